"""Renews the demo PKI's CRL (var/keys/pdf-signing/crl.pem) when it is missing or runs
out within 30 days (docs/certificates.md, "Long-term validation"). Safe to run twice;
does nothing in production or for an agency's own PKI.

manage.py demo_crl_renew
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lms.signing import demo_pki


class Command(BaseCommand):
    help = "Re-issue the demo PKI's CRL when it is missing or near its nextUpdate."

    def handle(self, *args, **options):
        if demo_pki.demo_crl_ensure():
            self.stdout.write(self.style.SUCCESS("The demo CRL was issued again."))
        else:
            self.stdout.write("The demo CRL is current (or this is not a demo PKI): nothing to do.")
