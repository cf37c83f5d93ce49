"""StreamField blocks for lesson content. Every StructBlock renders its own template under
templates/blocks/ and carries a preview value for the admin's block previews."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


class RichTextSectionBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(
        label=_("text"),
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"],
    )

    class Meta:
        icon = "doc-full"
        template = "blocks/rich_text_block.html"
        label = _("Text")
        description = _("Paragraphs, headings and lists.")
        preview_value = {"text": "<h2>Pelayanan prima</h2><p>Melayani dengan sepenuh hati.</p>"}


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        max_length=250,
        required=False,
        help_text=_("Describe the image for people who cannot see it. Empty if decorative."),
    )
    caption = blocks.CharBlock(label=_("caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        label = _("Image")
        description = _("An image with alternative text and an optional caption.")
        preview_value = {"alt_text": "", "caption": "Contoh keterangan gambar"}


class VideoEmbedValue(blocks.StructValue):
    def embed_url(self) -> str:
        """A privacy-friendly player URL for YouTube or Vimeo links; empty for other hosts,
        which are then shown as a plain link (embed providers are not fetched at render)."""
        url = urlparse(self.get("url") or "")
        host = (url.hostname or "").removeprefix("www.").removeprefix("m.")
        video_id = ""
        if host == "youtu.be":
            video_id = url.path.strip("/")
        elif host in {"youtube.com", "youtube-nocookie.com"}:
            if url.path == "/watch":
                video_id = parse_qs(url.query).get("v", [""])[0]
            elif url.path.startswith(("/embed/", "/shorts/")):
                video_id = url.path.split("/")[2]
        if video_id and _YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
        if host == "vimeo.com" and url.path.strip("/").isdigit():
            return f"https://player.vimeo.com/video/{url.path.strip('/')}"
        return ""


class VideoEmbedBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("video address"), help_text=_("A YouTube or Vimeo link."))
    title = blocks.CharBlock(label=_("title"), max_length=200)
    transcript = blocks.TextBlock(label=_("transcript"), required=False)

    class Meta:
        icon = "media"
        template = "blocks/video_embed_block.html"
        label = _("Embedded video")
        description = _("A YouTube or Vimeo video with a title and optional transcript.")
        value_class = VideoEmbedValue
        preview_value = {
            "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "title": "Video pembelajaran",
            "transcript": "",
        }


class MediaFileValue(blocks.StructValue):
    def is_video(self) -> bool:
        return self.get("kind") == "video"


class MediaFileBlock(blocks.StructBlock):
    """Uploaded video or audio, stored as a Wagtail document (mp4, webm, mp3, ogg)."""

    kind = blocks.ChoiceBlock(
        label=_("kind"), choices=[("video", _("Video")), ("audio", _("Audio"))], default="video"
    )
    file = DocumentChooserBlock(label=_("file"))
    title = blocks.CharBlock(label=_("title"), max_length=200)
    transcript = blocks.TextBlock(label=_("transcript"), required=False)

    class Meta:
        icon = "media"
        template = "blocks/media_file_block.html"
        label = _("Uploaded video or audio")
        description = _("A video or audio file uploaded to the document library.")
        value_class = MediaFileValue
        preview_value = {"kind": "audio", "title": "Rekaman materi", "transcript": ""}

    def clean(self, value):
        value = super().clean(value)
        document = value.get("file")
        allowed = {"video": {"mp4", "webm", "ogv"}, "audio": {"mp3", "ogg", "oga", "m4a", "wav"}}
        if document is not None and document.file_extension.lower() not in allowed[value["kind"]]:
            raise StructBlockValidationError(
                block_errors={
                    "file": ValidationError(
                        _("This file type cannot be played as %(kind)s.") % {"kind": value["kind"]}
                    )
                }
            )
        return value


class DocumentDownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("link text"), max_length=200, required=False)
    description = blocks.TextBlock(label=_("description"), required=False)

    class Meta:
        icon = "doc-full-inverse"
        template = "blocks/document_block.html"
        label = _("Document download")
        description = _("A downloadable document such as a regulation or a worksheet.")
        preview_value = {"title": "Unduh bahan bacaan", "description": "PDF"}


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[("info", _("Information")), ("tip", _("Tip")), ("warning", _("Warning"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("title"), max_length=120, required=False)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        template = "blocks/callout_block.html"
        label = _("Callout")
        description = _("A highlighted box for a key point, a tip or a warning.")
        preview_value = {
            "kind": "tip",
            "title": "Ingat",
            "text": "<p>Senyum, sapa, salam, sopan, santun.</p>",
        }


class AccordionItemBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=200)
    body = blocks.RichTextBlock(label=_("body"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "list-ul"
        template = "blocks/accordion_item_block.html"
        label = _("Accordion item")
        description = _("A heading that opens to show its text.")
        preview_value = {"heading": "Apa itu SKM?", "body": "<p>Survei Kepuasan Masyarakat.</p>"}


class AccordionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200, required=False)
    items = blocks.ListBlock(AccordionItemBlock(), label=_("items"), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "blocks/accordion_block.html"
        label = _("Accordion")
        description = _("Questions and answers or details that learners open one by one.")
        preview_value = {
            "title": "Tanya jawab",
            "items": [
                {"heading": "Apa itu SKM?", "body": "<p>Survei Kepuasan Masyarakat.</p>"},
                {"heading": "Berapa unsurnya?", "body": "<p>Sembilan unsur.</p>"},
            ],
        }


class QuizLinkBlock(blocks.StructBlock):
    """Points learners to one of the course's quizzes from inside a lesson."""

    quiz = blocks.PageChooserBlock(label=_("quiz"), page_type="lms.QuizPage")
    text = blocks.CharBlock(label=_("invitation"), max_length=200, required=False)

    class Meta:
        icon = "form"
        template = "blocks/quiz_link_block.html"
        label = _("Quiz")
        description = _("A call to take one of this course's quizzes.")
        preview_value = {"text": "Uji pemahaman Anda"}


class LessonStreamBlock(blocks.StreamBlock):
    text = RichTextSectionBlock()
    image = ImageBlock()
    video = VideoEmbedBlock()
    media_file = MediaFileBlock()
    document = DocumentDownloadBlock()
    callout = CalloutBlock()
    accordion = AccordionBlock()
    quiz = QuizLinkBlock()
