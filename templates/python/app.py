"""__NAME__: a wasmfaas function (the faas-exec world)."""
import json

import wit_world


class WitWorld(wit_world.WitWorld):
    def exec(self, input: str) -> str:
        print("__NAME__ called")  # captured by the host as the call's stdout
        try:
            value = json.loads(input)
        except ValueError:
            value = input
        return json.dumps({"result": value}, separators=(",", ":"), ensure_ascii=False)
