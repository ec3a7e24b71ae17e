// fibonacci: {"n":7} -> {"result":34}, with the seed's algorithm on u32:
// a = 1, b = 1; n times: t = a, a = b, b += t (wrapping); the answer is b.
package main

import (
	"encoding/json"

	"wasmfaas.example/functions/faas"
)

type input struct {
	N *uint32 `json:"n"`
}

func fibonacci(n uint32) uint32 {
	a, b := uint32(1), uint32(1)
	for i := uint32(0); i < n; i++ {
		t := a
		a = b
		b += t
	}
	return b
}

func reply(value any) string {
	text, _ := json.Marshal(value)
	return string(text)
}

func exec(text string) string {
	var in input
	if err := json.Unmarshal([]byte(text), &in); err != nil {
		return reply(map[string]string{"error": "input must be JSON such as {\"n\":7}: " + err.Error()})
	}
	if in.N == nil {
		return reply(map[string]string{"error": "missing field `n`"})
	}
	return reply(map[string]uint32{"result": fibonacci(*in.N)})
}

func init() { faas.Export(exec) }

// main is not called in a reactor (-buildmode=c-shared); the host calls exec.
func main() {}
