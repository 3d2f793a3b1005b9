"""The Deepseek implementation of the VLM adapter interface."""

from vlm_interface import VLMAdapter

__version__ = "0.1.0"


class DeepseekAdapter(VLMAdapter):
    name = "deepseek"

    def describe(self, image: bytes, prompt: str) -> str:
        return f"[deepseek] {prompt} ({len(image)} bytes)"


adapter = DeepseekAdapter()
