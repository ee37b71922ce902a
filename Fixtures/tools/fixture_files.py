"""What every fixture study shares: the synthetic tag, exact decimals and the JSON writer (2-space indent, UTF-8)."""
import hashlib, json, os, re

TAG = {"system": "https://github.com/immport-bridge/fixtures", "code": "synthetic", "display": "Synthetic test fixture"}


def ref(t, i): return {"reference": f"{t}/{i}"}


def party(role, t, i):
    """A ResearchStudy.associatedParty of a research-study-party-role code."""
    return {"role": {"coding": [{"system": "http://hl7.org/fhir/research-study-party-role", "code": role}]}, "party": ref(t, i)}


SPECIES_CHARACTERISTIC = {
    "code": {"text": "species"},
    "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "337915000", "display": "Homo sapiens"}]},
    "exclude": False}
LABORATORY = [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}]


def num(text):
    """A JSON number written exactly as `text` (13.50 stays 13.50): a marker string replaced after dumping."""
    return f"@@NUM:{text}@@"


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        text = json.dumps(obj, indent=2, ensure_ascii=False)
        text = re.sub(r'"@@NUM:([-0-9.eE+]+)@@"', r"\1", text)
        f.write(text + "\n")


def number_text(value):
    """The literal text of a value written with num() (or of a plain value), as a reader of the file sees it."""
    if isinstance(value, str) and value.startswith("@@NUM:"):
        return value[len("@@NUM:"):-2]
    return value if value is None or isinstance(value, str) else json.dumps(value)


def finding(study, link, field, status, accession, fhir_id, fhir_value, shared_data_value, severity, note):
    """One entry of Fixtures/discrepancies.json (documented in Fixtures/README.md)."""
    return {"study": study, "link": link, "field": field, "status": status, "accession": accession, "fhirId": fhir_id,
            "fhirValue": fhir_value, "sharedDataValue": shared_data_value, "severity": severity, "note": note}


def synthetic_file(study, name, size):
    """The bytes of a SYNTHETIC study file served through DRS: numbered text lines of a deterministic hash chain, cut
    to `size` bytes (whatever the file's extension says, it is text). The manifest's sizes and MD5s are taken from
    these bytes, so a download can be verified."""
    lines, seed, n = [], f"{study}/{name}".encode(), 0
    total = 0
    while total < size:
        seed = hashlib.sha256(seed).hexdigest().encode()
        line = f"SYNTHETIC immport-bridge fixture {study} {name} line {n:05d} {seed.decode()}\n".encode()
        lines.append(line)
        total += len(line)
        n += 1
    return b"".join(lines)[:size]


def md5_hex(data): return hashlib.md5(data).hexdigest()
