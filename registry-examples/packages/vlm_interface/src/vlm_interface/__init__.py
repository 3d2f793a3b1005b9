"""The interface every VLM adapter implements."""

from abc import ABC, abstractmethod

__version__ = "0.1.0"


class VLMAdapter(ABC):
    """Turns an image and a prompt into text."""

    name: str = "abstract"

    @abstractmethod
    def describe(self, image: bytes, prompt: str) -> str:
        """Answer `prompt` about `image`."""
