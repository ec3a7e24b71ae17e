module wasmfaas.example/functions

go 1.26
