// hello: {"name":"World"} -> {"result":"Hello World, how are you?"}.
// Prints "--- Test output ---" to stdout on every call, as the seed's does.
package main

import (
	"encoding/json"
	"fmt"

	"wasmfaas.example/functions/faas"
)

type input struct {
	Name *string `json:"name"`
}

func reply(value any) string {
	text, _ := json.Marshal(value)
	return string(text)
}

func hello(text string) string {
	fmt.Println("--- Test output ---")
	var in input
	if err := json.Unmarshal([]byte(text), &in); err != nil {
		return reply(map[string]string{"error": "input must be JSON such as {\"name\":\"World\"}: " + err.Error()})
	}
	if in.Name == nil {
		return reply(map[string]string{"error": "missing field `name`"})
	}
	return reply(map[string]string{"result": "Hello " + *in.Name + ", how are you?"})
}

func init() { faas.Export(hello) }

// main is not called in a reactor (-buildmode=c-shared); the host calls exec.
func main() {}
