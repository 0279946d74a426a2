"""How portals find the register's data: the list of downloadable files, a DCAT-AP
catalogue of them (Turtle or JSON-LD, built with rdflib) that CKAN-like portals harvest,
and the schema.org `Dataset` that search engines read from the pages."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from . import downloads

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
EU_FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANGUAGES = "http://publications.europa.eu/resource/authority/language/"
LANGUAGES = {"en": "ENG", "ru": "RUS", "zh-hans": "ZHO"}
TITLE = "China–Belarus Industrial Park register of residents"
DESCRIPTION = (
    "The residents of the China–Belarus Industrial Park “Great Stone” (Belarus): who they "
    "are, the country of their main investor, their sector, status and dates of residence, "
    "the investment they declared and realised and the direct jobs they reported, each "
    "report with its source, and published claims about the park checked against the "
    "register."
)
DEMO_NOTE = " DEMONSTRATION DATA: the companies and their figures are synthetic."
KEYWORDS = ["China–Belarus Industrial Park", "Great Stone", "foreign investment", "Belarus"]


@dataclass(frozen=True)
class Distribution:
    """A file of the downloads page: its address, media type and EU file type."""

    title: str
    url: str
    media_type: str
    file_type: str


def distributions(absolute: Callable[[str], str], *, with_xlsx: bool) -> list[Distribution]:
    """Every downloadable file, with `absolute` making a path an absolute address; the
    XLSX workbook `with_xlsx` (downloads.xlsx_available counts the register to know)."""
    files = [
        Distribution(
            f"{t.title} (CSV)",
            absolute(reverse("data:table-csv", kwargs={"name": t.name})),
            "text/csv",
            "CSV",
        )
        for t in downloads.tables()
    ]
    files += [
        Distribution(
            f"{t.title} (CSV with a byte-order mark, for Excel)",
            absolute(reverse("data:table-csv-bom", kwargs={"name": t.name})),
            "text/csv",
            "CSV",
        )
        for t in downloads.tables()
    ]
    if with_xlsx:
        files.append(
            Distribution(
                "The whole register (XLSX, a sheet per table)",
                absolute(reverse("data:register-xlsx")),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "XLSX",
            )
        )
    files += [
        Distribution(
            "The whole register (JSON)",
            absolute(reverse("data:register-json")),
            "application/json",
            "JSON",
        ),
        Distribution(
            "Frictionless Data Package (datapackage.json with a Table Schema per table)",
            absolute(reverse("data:datapackage")),
            "application/json",
            "JSON",
        ),
    ]
    return files


def catalog_graph(
    *, absolute: Callable[[str], str], modified: datetime | None, is_demo: bool
) -> Graph:
    """The DCAT-AP description of the register: a catalogue with one dataset, its files
    as distributions and the API as a data service."""
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    catalog = URIRef(absolute(reverse("data:catalog-ttl")))
    dataset = URIRef(absolute(reverse("data:catalog-ttl")) + "#register")
    landing = URIRef(absolute(reverse("companies:downloads")))
    publisher = URIRef(settings.PUBLISHER_URL)
    license_ = URIRef(settings.DATA_LICENSE_URL)
    description = DESCRIPTION + (DEMO_NOTE if is_demo else "")
    stamp = Literal(modified.isoformat(), datatype=XSD.dateTime) if modified else None

    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(downloads.publisher_name())))
    graph.add((publisher, FOAF.homepage, publisher))
    graph.add((publisher, FOAF.mbox, URIRef(f"mailto:{settings.PUBLISHER_EMAIL}")))
    graph.add((license_, RDF.type, DCTERMS.LicenseDocument))
    graph.add((license_, DCTERMS.title, Literal(settings.DATA_LICENSE_TITLE)))

    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(f"{TITLE}: open data", lang="en")))
    graph.add((catalog, DCTERMS.description, Literal(description, lang="en")))
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.license, license_))
    graph.add((catalog, FOAF.homepage, landing))
    graph.add((catalog, DCAT.dataset, dataset))

    contact = BNode()
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(downloads.publisher_name())))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.PUBLISHER_EMAIL}")))

    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(description, lang="en")))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCTERMS.license, license_))
    graph.add((dataset, DCAT.contactPoint, contact))
    graph.add((dataset, DCAT.landingPage, landing))
    graph.add(
        (
            dataset,
            DCTERMS.spatial,
            URIRef("http://publications.europa.eu/resource/authority/country/BLR"),
        )
    )
    graph.add(
        (
            dataset,
            DCTERMS.accrualPeriodicity,
            URIRef("http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT"),
        )
    )
    for keyword in KEYWORDS:
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
    for code in LANGUAGES.values():
        graph.add((dataset, DCTERMS.language, URIRef(EU_LANGUAGES + code)))
    if stamp:
        graph.add((catalog, DCTERMS.modified, stamp))
        graph.add((dataset, DCTERMS.modified, stamp))

    files = distributions(absolute, with_xlsx=downloads.xlsx_available())
    for number, file in enumerate(files, start=1):
        node = URIRef(f"{dataset}-file-{number}")
        graph.add((dataset, DCAT.distribution, node))
        graph.add((node, RDF.type, DCAT.Distribution))
        graph.add((node, DCTERMS.title, Literal(file.title, lang="en")))
        graph.add((node, DCAT.accessURL, URIRef(file.url)))
        graph.add((node, DCAT.downloadURL, URIRef(file.url)))
        graph.add((node, DCAT.mediaType, URIRef(MEDIA_TYPES + file.media_type)))
        graph.add((node, DCTERMS.format, URIRef(EU_FILE_TYPES + file.file_type)))
        graph.add((node, DCTERMS.license, license_))
        if stamp:
            graph.add((node, DCTERMS.modified, stamp))

    api = URIRef(absolute("/api/v1/"))
    graph.add((catalog, DCAT.service, api))
    graph.add((api, RDF.type, DCAT.DataService))
    graph.add((api, DCTERMS.title, Literal("The register's REST API v1", lang="en")))
    graph.add((api, DCAT.endpointURL, api))
    graph.add((api, DCAT.endpointDescription, URIRef(absolute(reverse("api:schema")))))
    graph.add((api, DCAT.servesDataset, dataset))
    graph.add((api, DCTERMS.license, license_))
    return graph


def schema_org_dataset(
    *, absolute: Callable[[str], str], modified: datetime | None, is_demo: bool, with_xlsx: bool
) -> dict:
    """The register as a schema.org `Dataset` (JSON-LD; the vocabulary inline, so that no
    processor needs to fetch a context), with the XLSX workbook `with_xlsx`."""
    dataset = {
        "@context": {"@vocab": "https://schema.org/"},
        "@type": "Dataset",
        "name": TITLE,
        "description": DESCRIPTION + (DEMO_NOTE if is_demo else ""),
        "url": absolute(reverse("companies:downloads")),
        "license": settings.DATA_LICENSE_URL,
        "isAccessibleForFree": True,
        "keywords": KEYWORDS,
        "inLanguage": list(LANGUAGES),
        "spatialCoverage": {"@type": "Place", "name": "China–Belarus Industrial Park, Belarus"},
        "publisher": {
            "@type": "Organization",
            "name": downloads.publisher_name(),
            "url": settings.PUBLISHER_URL,
            "email": settings.PUBLISHER_EMAIL,
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": file.title,
                "contentUrl": file.url,
                "encodingFormat": file.media_type,
            }
            for file in distributions(absolute, with_xlsx=with_xlsx)
        ],
    }
    if modified:
        dataset["dateModified"] = modified.isoformat()
    return dataset
