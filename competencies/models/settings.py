from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

from config import request_cache

# Settings rarely change and every page header and footer reads them; a save or delete
# forgets the cached copy, the timeout only bounds a raw UPDATE that bypasses signals.
_CACHE_TIMEOUT = 60 * 60


def validate_number_pattern(value: str) -> None:
    """Both placeholders must be there (without {seq} two certificates of a year would get
    the same number) and the pattern must format."""
    if "{seq" not in value or "{year" not in value:
        raise ValidationError(_("The pattern needs both {seq} and {year}."))
    try:
        value.format(seq=1, year=2026)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        raise ValidationError(_("This pattern cannot be used: %(error)s") % {"error": exc}) from exc


@register_setting(icon="site")
class AgencySettings(BaseSiteSetting):
    """Everything that differs between agencies: the portal serves Pemerintah Kota
    Bontang first but any Indonesian agency can run it by changing these values."""

    government_name = models.CharField(
        _("government"), max_length=200, default="Pemerintah Kota Bontang"
    )
    agency_name = models.CharField(
        _("HR agency"),
        max_length=200,
        default="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    )
    agency_short_name = models.CharField(_("HR agency short name"), max_length=40, default="BKPSDM")
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    city = models.CharField(
        _("city"),
        max_length=100,
        default="Bontang",
        help_text=_("Where certificates are signed, printed before the date."),
    )
    address = models.TextField(_("address"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    signer_name = models.CharField(_("certificate signer name"), max_length=200, blank=True)
    signer_nip = models.CharField(_("certificate signer NIP"), max_length=18, blank=True)
    signer_title = models.CharField(_("certificate signer title"), max_length=200, blank=True)
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("certificate signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A scanned signature (PNG with a transparent background) for certificates."),
    )
    certificate_number_pattern = models.CharField(
        _("certificate number pattern"),
        max_length=100,
        default="{seq:05d}/BKPSDM-BTG/{year}",
        help_text=_("Placeholders: {seq} (sequence within the year) and {year}."),
        validators=[validate_number_pattern],
    )

    minutes_per_jp = models.PositiveSmallIntegerField(
        _("minutes per JP"),
        default=45,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Length of one lesson hour (jam pelajaran)."),
    )
    yearly_jp_target = models.PositiveSmallIntegerField(
        _("yearly JP target"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("Development hours each civil servant should reach per year."),
    )
    # Added to every SIASN record the export writes [C kanekescom/laravel-siasn-simpeg
    # src/Services/PostKursusSaveService.php]; Kota Bontang's ids are instansi
    # A5EB03E23C6CF6A0E040640A040252AD, satuan kerja A5EB03E24273F6A0E040640A040252AD
    # [C black-coffee04/ws-siasn-php src/Data/Referensi/instansi.json.gz] (DOMAIN.md §3).
    siasn_instansi_id = models.CharField(
        _("SIASN instansiId"),
        max_length=64,
        blank=True,
        help_text=_("The agency's id in SIASN, written on every exported record."),
    )
    siasn_satuan_kerja_id = models.CharField(
        _("SIASN satuanKerjaId"),
        max_length=64,
        blank=True,
        help_text=_("The work unit's id in SIASN, written on every exported record."),
    )
    pppk_jp_cap = models.PositiveSmallIntegerField(
        _("PPPK yearly JP cap"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_(
            "PPPK development is at most this many JP per contract year "
            "(PP 49/2018 art. 40(1): 'paling lama 24 JP'). A cap, not a target: PPPK "
            "below the PNS target are not behind."
        ),
    )
    government_competencies_enabled = models.BooleanField(
        _("kompetensi pemerintahan"),
        default=False,
        help_text=_(
            "Regional governments may use a fourth kind of competency, kompetensi "
            "pemerintahan (UU 23/2014 art. 233(4); Permendagri 11/2018). Off by default."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("government_name"),
                FieldPanel("agency_name"),
                FieldPanel("agency_short_name"),
                FieldPanel("logo"),
                FieldPanel("city"),
                FieldPanel("address"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
            ],
            heading=_("Agency"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("signer_name"),
                FieldPanel("signer_nip"),
                FieldPanel("signer_title"),
                FieldPanel("signature"),
                FieldPanel("certificate_number_pattern"),
            ],
            heading=_("Certificates"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("minutes_per_jp"),
                FieldPanel("yearly_jp_target"),
                FieldPanel("pppk_jp_cap"),
            ],
            heading=_("Development hours (JP)"),
        ),
        MultiFieldPanel(
            [FieldPanel("government_competencies_enabled")],
            heading=_("Competency dictionary"),
        ),
        MultiFieldPanel(
            [FieldPanel("siasn_instansi_id"), FieldPanel("siasn_satuan_kerja_id")],
            heading=_("SIASN"),
        ),
    ]

    class Meta:
        verbose_name = _("agency settings")

    def __str__(self) -> str:
        return f"{self.agency_short_name} — {self.government_name}"

    @staticmethod
    def cache_key(site_id: int) -> str:
        return f"competencies:agency-settings:{site_id}"

    DEFAULT_SITE_CACHE_KEY = "competencies:agency-settings:default-site"
    # Read in the request's one prefetch round trip (config/request_cache.py); names the
    # per-process copies, so a save is seen by every process at its next request.
    VERSION_KEY = "competencies:agency-settings-version"

    @classmethod
    def for_site_cached(cls, site: Site) -> AgencySettings:
        """For reading only (pages): the site's settings from the cache, read from the
        database and cached when missing. Writes use `for_site`."""
        key = cls.cache_key(site.pk)
        local_key = f"{key}:{request_cache.version(cls.VERSION_KEY)}"
        instance = request_cache.local_get(local_key)
        if instance is None:
            instance = cache.get(key)
            if instance is None:
                instance = cls.for_site(site)
                cache.set(key, instance, _CACHE_TIMEOUT)
            request_cache.local_set(local_key, instance)
        return instance

    @classmethod
    def for_default_site(cls) -> AgencySettings:
        """For reading only, where there is no request (certificates issued by a worker):
        the default site's settings (or the first site's), cached like `for_site_cached`
        and also forgotten when a site changes. Unsaved defaults when there is no site."""
        instance = cache.get(cls.DEFAULT_SITE_CACHE_KEY)
        if instance is None:
            site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
            if site is None:
                return cls()
            instance = cls.for_site(site)
            cache.set(cls.DEFAULT_SITE_CACHE_KEY, instance, _CACHE_TIMEOUT)
        return instance

    @classmethod
    def for_request(cls, request):
        """Wagtail's lookup (kept on the request) with a cross-request cache per site.
        Writes go through `for_site`, which always reads the database."""
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)
        instance = cls.for_site_cached(site)
        instance._request = request  # as Wagtail does, for page URLs in settings
        setattr(request, attr_name, instance)
        return instance


def _forget(*keys: str) -> None:
    request_cache.bump(AgencySettings.VERSION_KEY)
    cache.delete_many(keys)
    # Again after commit: a request between the save and the commit would cache old values.
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)


def _agency_settings_changed(sender: Any, instance: AgencySettings, **kwargs: Any) -> None:
    _forget(AgencySettings.cache_key(instance.site_id), AgencySettings.DEFAULT_SITE_CACHE_KEY)


def _site_changed(sender: Any, instance: Site, **kwargs: Any) -> None:
    """Which site is the default may have changed."""
    _forget(AgencySettings.cache_key(instance.pk), AgencySettings.DEFAULT_SITE_CACHE_KEY)


def _prefetch(request: Any, user_id: int | None) -> list[str]:
    return [AgencySettings.VERSION_KEY]


def connect_signals() -> None:
    """Called from CompetenciesConfig.ready(), so in every process (web, worker, shell)."""
    post_save.connect(_agency_settings_changed, sender=AgencySettings, dispatch_uid="agency_saved")
    post_delete.connect(
        _agency_settings_changed, sender=AgencySettings, dispatch_uid="agency_deleted"
    )
    post_save.connect(_site_changed, sender=Site, dispatch_uid="agency_site_saved")
    post_delete.connect(_site_changed, sender=Site, dispatch_uid="agency_site_deleted")
    request_cache.register(_prefetch)
