"""An Atom feed of the park's new residents, in the language of its address."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Company

FEED_LENGTH = 30


class NewResidentsFeed(Feed):
    feed_type = Atom1Feed

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
        return item.description

    def item_pubdate(self, item):
        # Residence starts on a day; the feed needs a moment, so the day's start in Minsk.
        return datetime.combine(
            item.resident_since, time(), tzinfo=timezone.get_default_timezone()
        )

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.sector.name, item.country.name]
