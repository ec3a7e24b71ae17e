// __NAME__: a wasmfaas function (the faas-exec world).
package main

import (
	"encoding/json"
	"fmt"

	"__NAME__/faas"
)

func exec(input string) string {
	fmt.Println("__NAME__ called") // captured by the host as the call's stdout
	var value any
	if json.Unmarshal([]byte(input), &value) != nil {
		value = input
	}
	output, _ := json.Marshal(map[string]any{"result": value})
	return string(output)
}

func init() { faas.Export(exec) }

// main is not called in a reactor (-buildmode=c-shared); the host calls exec.
func main() {}
