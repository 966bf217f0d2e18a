"""Split a profile's tasks into pipeline stages: each stage is served by one model.

Language tasks (text, code, reasoning, vision, multimodal) share one model; speech-to-text,
text-to-speech, image generation and embeddings each need a model of their own — the seed's
"combine Whisper + LLM + TTS in a modular pipeline".
"""

from __future__ import annotations

from dataclasses import dataclass

from llmpick.catalog.schema import Model, Task

LANGUAGE = (Task.TEXT, Task.CODE, Task.REASONING, Task.VISION, Task.MULTIMODAL)
# Pipeline order: audio in → language → embeddings → audio/image out.
ORDER = [Task.SPEECH_TO_TEXT, *LANGUAGE, Task.EMBEDDINGS, Task.TEXT_TO_SPEECH, Task.IMAGE_GENERATION]


@dataclass(frozen=True)
class Stage:
    tasks: tuple[Task, ...]

    @property
    def name(self) -> str:
        return "+".join(t.value for t in self.tasks)

    @property
    def position(self) -> int:
        """Where the stage sits in the pipeline (audio in first, audio/image out last)."""
        return min(ORDER.index(t) for t in self.tasks)

    @property
    def is_language(self) -> bool:
        return self.tasks[0] in LANGUAGE

    def relevant(self, model: Model) -> bool:
        """A model worth enumerating for this stage: it does at least the stage's main task."""
        return self.tasks[0] in model.capabilities.tasks or (
            self.is_language and any(t in model.capabilities.tasks for t in self.tasks)
        )

    def missing(self, model: Model) -> list[Task]:
        have = set(model.capabilities.tasks)
        wanted = [t for t in self.tasks if t not in have]
        # A model that takes images reads them: vision and multimodal mean the same input ability.
        if "image" in model.capabilities.input_modalities:
            wanted = [t for t in wanted if t not in (Task.VISION, Task.MULTIMODAL)]
        if Task.TEXT in have:
            wanted = [t for t in wanted if t is not Task.REASONING]
        return wanted


def split_stages(tasks: list[Task]) -> list[Stage]:
    """Stages in pipeline order; the language stage (if any) is the primary one."""
    ordered = sorted(dict.fromkeys(tasks), key=ORDER.index)
    language = tuple(t for t in ordered if t in LANGUAGE)
    stages = [Stage((t,)) for t in ordered if t not in LANGUAGE]
    if language:
        stages.insert(0, Stage(language))
    return stages
