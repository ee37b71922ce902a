"""SYNTHETIC gene lists laid out like ImmPort's release folder (https://s3.immport.org/release/genelists/current/):
all_gene_lists.json and all_gene_lists.gmt with every list, and per list {id}.json and {id}.txt. The list ids,
names and memberships are invented (the symbols are real HGNC symbols, chosen to look plausible). The shapes are a
guess from ImmPort's pages (UNCERTAIN): a list's JSON carries its genes under genes[].Symbol; the TXT form is a
tab-separated table with a header, one gene per line; GMT is the Broad's format (name, description, genes).
One list disagrees between its forms on purpose: synthetic_interferon_response's TXT form has one gene more
(IFI27) than its JSON and GMT forms, which `genelists` must report.
"""
import json

GENE_NAMES = {
    "IL1B": ("interleukin 1 beta", 3553), "IL2": ("interleukin 2", 3558), "IL4": ("interleukin 4", 3565),
    "IL6": ("interleukin 6", 3569), "IL10": ("interleukin 10", 3586), "TNF": ("tumor necrosis factor", 7124),
    "IFNG": ("interferon gamma", 3458), "CXCL8": ("C-X-C motif chemokine ligand 8", 3576),
    "CCL2": ("C-C motif chemokine ligand 2", 6347), "CCL5": ("C-C motif chemokine ligand 5", 6352),
    "CXCL10": ("C-X-C motif chemokine ligand 10", 3627), "ISG15": ("ISG15 ubiquitin like modifier", 9636),
    "MX1": ("MX dynamin like GTPase 1", 4599), "IFIT1": ("interferon induced protein with tetratricopeptide repeats 1", 3434),
    "OAS1": ("2'-5'-oligoadenylate synthetase 1", 4938), "IFI27": ("interferon alpha inducible protein 27", 3429),
}

LISTS = [
    ("synthetic_cytokines", "Synthetic cytokines", "SYNTHETIC test list: a few cytokines",
     ["IL1B", "IL2", "IL4", "IL6", "IL10", "TNF", "IFNG"]),
    ("synthetic_chemokines", "Synthetic chemokines", "SYNTHETIC test list: a few chemokines",
     ["CXCL8", "CCL2", "CCL5", "CXCL10"]),
    ("synthetic_interferon_response", "Synthetic interferon response", "SYNTHETIC test list: interferon-stimulated genes",
     ["ISG15", "MX1", "IFIT1", "OAS1", "CXCL10"]),
]
DISAGREEING = {"synthetic_interferon_response": ["IFI27"]}  # extra genes of the TXT form


def gene(symbol):
    name, gene_id = GENE_NAMES[symbol]
    return {"Symbol": symbol, "Name": name, "GeneID": str(gene_id)}


def list_json(list_id, name, description, symbols):
    return {"id": list_id, "name": name, "description": description, "genes": [gene(s) for s in symbols]}


def files():
    """File name -> text (str) or JSON value of the gene-list folder."""
    out = {"all_gene_lists.json": [list_json(*entry) for entry in LISTS]}
    out["all_gene_lists.gmt"] = "".join(f"{i}\t{d}\t" + "\t".join(s) + "\n" for i, _, d, s in LISTS)
    for list_id, name, description, symbols in LISTS:
        out[f"{list_id}.json"] = list_json(list_id, name, description, symbols)
        rows = symbols + DISAGREEING.get(list_id, [])
        out[f"{list_id}.txt"] = "Symbol\tName\tGeneID\n" + "".join(
            f"{s}\t{GENE_NAMES[s][0]}\t{GENE_NAMES[s][1]}\n" for s in rows)
    return out
