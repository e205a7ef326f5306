"""The file types a course may use, by what they are for (lessons' media, links, uploads)."""

from __future__ import annotations

IMAGE_EXT = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})


AUDIO_EXT = frozenset({".mp3", ".ogg", ".oga", ".opus", ".m4a", ".wav"})


VIDEO_EXT = frozenset({".mp4", ".webm"})


CAPTION_EXT = frozenset({".vtt"})


OTHER_EXT = frozenset({".txt", ".pdf"})


MEDIA_EXT = IMAGE_EXT | AUDIO_EXT | VIDEO_EXT | CAPTION_EXT | OTHER_EXT
