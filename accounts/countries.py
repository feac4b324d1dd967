"""The countries the distributor sells in, with the currency an account there is billed in."""

from django.utils.translation import gettext_lazy as _

COUNTRIES: dict[str, tuple[str, str]] = {
    "CL": (_("Chile"), "CLP"),
    "CO": (_("Colombia"), "COP"),
    "CR": (_("Costa Rica"), "CRC"),
    "EC": (_("Ecuador"), "USD"),
    "GT": (_("Guatemala"), "GTQ"),
    "JM": (_("Jamaica"), "JMD"),
    "MX": (_("Mexico"), "MXN"),
    "PA": (_("Panama"), "USD"),
    "PE": (_("Peru"), "PEN"),
    "SV": (_("El Salvador"), "USD"),
    "US": (_("United States (Miami)"), "USD"),
    "UY": (_("Uruguay"), "UYU"),
}

COUNTRY_CHOICES = [(code, name) for code, (name, _currency) in COUNTRIES.items()]
CURRENCY_CHOICES = sorted({(currency, currency) for _name, currency in COUNTRIES.values()})


def currency_for(country: str) -> str:
    return COUNTRIES[country][1]
