"""StreamField blocks shared by every page with a free-form body."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    """A section heading; editors pick the level so the page outline stays correct."""

    text = blocks.CharBlock(label=_("Text"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Level 2")), ("h3", _("Level 3")), ("h4", _("Level 4"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading_block.html"
        preview_value = {"text": "Les produits de saison", "level": "h2"}


class ImageBlock(blocks.StructBlock):
    """An image with the alternative text and credit that accessibility and law require."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        help_text=_("Describe the image for people who cannot see it; leave empty if decorative."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)
    attribution = blocks.CharBlock(label=_("Credit"), required=False)

    def get_api_representation(self, value, context=None):
        """The image as a rendition a front end shows (URL and size), not an image id."""
        image = value.get("image")
        data = super().get_api_representation(value, context)
        if image is not None:
            r = image.get_rendition("max-1200x900|format-webp")
            data["image"] = {"url": r.full_url, "width": r.width, "height": r.height, "alt": r.alt}
        return data

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    """A quotation, typically a producer's own words."""

    text = blocks.TextBlock(label=_("Quote"))
    attribute_name = blocks.CharBlock(label=_("Who said it"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote_block.html"
        preview_value = {
            "text": "Nos vaches pâturent de mars à novembre dans le bocage de Thiérache.",
            "attribute_name": "Une productrice de Maroilles",
        }


class BaseStreamBlock(blocks.StreamBlock):
    """The body blocks every page type offers, so editors learn one set."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        icon="pilcrow",
        features=["bold", "italic", "link", "ol", "ul", "document-link"],
        template="blocks/paragraph_block.html",
        preview_value="<p>Du champ à l'assiette, en circuit court.</p>",
    )
    image = ImageBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(
        label=_("Embedded media"),
        icon="media",
        help_text=_("A video or other media URL, e.g. https://www.youtube.com/watch?v=..."),
        template="blocks/embed_block.html",
    )
