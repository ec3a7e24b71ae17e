"""hello: {"name":"World"} -> {"result":"Hello World, how are you?"}.

Prints "--- Test output ---" to stdout on every call, as the seed's does.
"""
import json

import wit_world


class WitWorld(wit_world.WitWorld):
    def exec(self, input: str) -> str:
        print("--- Test output ---", flush=True)
        try:
            name = json.loads(input)["name"]
        except (ValueError, TypeError, KeyError) as error:
            return json.dumps({"error": f"input must be JSON such as {{\"name\":\"World\"}}: {error}"},
                              separators=(",", ":"))
        if not isinstance(name, str):
            return json.dumps({"error": "field `name` must be a string"}, separators=(",", ":"))
        return json.dumps({"result": f"Hello {name}, how are you?"}, separators=(",", ":"),
                          ensure_ascii=False)
