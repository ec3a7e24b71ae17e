"""fibonacci: {"n":7} -> {"result":34}, with the seed's algorithm on u32.

a = 1, b = 1; n times: t = a, a = b, b += t (wrapping); the answer is b.
"""
import json

import wit_world

U32_MAX = 0xFFFFFFFF


def fibonacci(n: int) -> int:
    a, b = 1, 1
    for _ in range(n):
        a, b = b, (a + b) & U32_MAX
    return b


class WitWorld(wit_world.WitWorld):
    def exec(self, input: str) -> str:
        try:
            n = json.loads(input)["n"]
        except (ValueError, TypeError, KeyError) as error:
            return json.dumps({"error": f"input must be JSON such as {{\"n\":7}}: {error}"},
                              separators=(",", ":"))
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= U32_MAX:
            return json.dumps({"error": "field `n` must be an integer from 0 to 4294967295"},
                              separators=(",", ":"))
        return json.dumps({"result": fibonacci(n)}, separators=(",", ":"))
