"""The Qwen implementation of the VLM adapter interface."""

from vlm_interface import VLMAdapter

__version__ = "0.1.0"


class QwenAdapter(VLMAdapter):
    name = "qwen"

    def describe(self, image: bytes, prompt: str) -> str:
        return f"[qwen] {prompt} ({len(image)} bytes)"


adapter = QwenAdapter()
