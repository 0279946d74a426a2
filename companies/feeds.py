"""An Atom feed of the park's new residents, in the language of its address."""

from datetime import datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Company

FEED_LENGTH = 30


class TextAtom1Feed(Atom1Feed):
    """Atom whose entry summaries are plain text: descriptions are what editors typed,
    which a reader must not interpret as HTML."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class NewResidentsFeed(Feed):
    feed_type = TextAtom1Feed

    # RFC 4287: a feed whose entries name no author names its own.
    def author_name(self):
        return settings.PUBLISHER_NAME

    def author_email(self):
        return settings.PUBLISHER_EMAIL

    def author_link(self):
        return settings.PUBLISHER_URL

    def title(self):
        return _("New residents of the China–Belarus Industrial Park")

    def subtitle(self):
        return _("Companies that became residents of the park, newest first.")

    def link(self):
        return reverse("companies:company-list")

    def items(self):
        return (
            Company.objects.published()
            .filter(resident_since__isnull=False)
            .select_related("sector")
            .order_by("-resident_since", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.name

    def item_description(self, item):
        return item.description or None

    def item_pubdate(self, item):
        # Residence starts on a day; the feed needs a moment, so the day's start in Minsk.
        return datetime.combine(
            item.resident_since, time(), tzinfo=timezone.get_default_timezone()
        )

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.sector.name, item.country.name]
