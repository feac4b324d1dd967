"""Scenario modules: each exposes `run(tier: str, samples: int) -> list[Result]`."""
