#!/usr/bin/env python3
"""Builds the invented input-format fixtures under Corpora/formats/ (issue 8).

Every report text here is invented; no real patient data. Run from anywhere:
    python3 scripts/make-format-fixtures.py
The output is byte-for-byte reproducible (fixed zip timestamps, sorted entries).
"""
import os
import zipfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Corpora", "formats")
STAMP = (2024, 1, 1, 0, 0, 0)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def write(path, data, mode="wb"):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, mode) as handle:
        handle.write(data)


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def run(text, bold=False):
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>'


def para(text="", style=None, numbered=False, bold=False, runs=None):
    props = ""
    if style or numbered:
        props = "<w:pPr>"
        if style:
            props += f'<w:pStyle w:val="{style}"/>'
        if numbered:
            props += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
        props += "</w:pPr>"
    body = runs if runs is not None else run(text, bold)
    return f"<w:p>{props}{body}</w:p>"


def table(rows):
    out = "<w:tbl><w:tblPr/>"
    for row in rows:
        out += "<w:tr>" + "".join(f"<w:tc><w:tcPr/>{para(cell)}</w:tc>" for cell in row) + "</w:tr>"
    return out + "</w:tbl>"


def docx(path, body_xml, title=None, created=None, extra=None, omit_document=False):
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        "</Relationships>",
        "word/styles.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {W}>'
        '<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Kop3"><w:name w:val="heading 3"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>'
        "</w:styles>",
        "word/header1.xml": f'<w:hdr {W}>{para("OFFICIAL SENSITIVE - HEADER TEXT MUST NOT APPEAR")}</w:hdr>',
        "word/footer1.xml": f'<w:ftr {W}>{para("Page 1 of 3 - FOOTER TEXT MUST NOT APPEAR")}</w:ftr>',
        "word/comments.xml": f'<w:comments {W}><w:comment w:id="0">{para("Reviewer comment must not appear")}</w:comment></w:comments>',
        "word/footnotes.xml": f'<w:footnotes {W}><w:footnote w:id="1">{para("Footnote text must not appear")}</w:footnote></w:footnotes>',
    }
    if not omit_document:
        parts["word/document.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W}><w:body>{body_xml}'
            '<w:sectPr><w:headerReference w:type="default" r:id="rId9" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></w:sectPr>'
            "</w:body></w:document>"
        )
    if title or created:
        core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
                'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">')
        if title:
            core += f"<dc:title>{esc(title)}</dc:title><dc:creator>Invented Author</dc:creator>"
        if created:
            core += f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
        parts["docProps/core.xml"] = core + "</cp:coreProperties>"
    parts.update(extra or {})
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with zipfile.ZipFile(full, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(parts):
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, parts[name])


def make_docx():
    body = "".join([
        para("Serious Incident Investigation: intrapartum stillbirth (invented)", style="Title"),
        para("Prepared for the Eastfield Birth Centre governance meeting. All details are invented."),
        para("Executive summary", style="Heading1"),
        para(runs=run("A woman in established labour at term had a pathological CTG for ninety minutes. ")
             + '<w:r><w:commentReference w:id="0"/></w:r>'
             + run("The CTG was not escalated to the obstetric registrar.")
             + '<w:r><w:footnoteReference w:id="1"/></w:r>'
             + '<w:del w:id="5"><w:r><w:delText>DELETED TEXT MUST NOT APPEAR</w:delText></w:r></w:del>'),
        para("Chronology", style="Heading1"),
        table([["Date/time", "Event", "Staff"],
               ["02/06/2024 01:10", "CTG classified as suspicious", "Midwife"],
               ["02/06/2024 02:40", "CTG pathological; no escalation", "Midwife"],
               ["", "", ""],
               ["02/06/2024 03:05", "Registrar attended after the coordinator was called", "Registrar"]]),
        para("Findings", style="Heading1"),
        para("The midwife felt unable to challenge the decision to continue because of the hierarchy on the unit."),
        para("The labour ward was short of two midwives and the coordinator was caring for a woman."),
        para("Contributory factors", bold=True),
        para("Delay in escalation of the pathological CTG.", numbered=True),
        para("Workload and staffing on the labour ward.", numbered=True),
        para("Fear of criticism when calling the consultant.", style="ListBullet"),
        para("Notable practice", style="Kop3"),
        para("The neonatal team resuscitated the baby promptly and kept the family informed."),
        para("Recommendations", style="Heading2"),
        para("All midwives should complete fresh eyes CTG training by December 2024."),
    ])
    docx("docx/si-docx-styled.docx", body, title="Invented SI report: intrapartum stillbirth",
         created="2024-07-15T09:30:00Z")

    plain = "".join([
        para("Summary"),
        para("A woman was induced at 41 weeks. There was a delay in escalation of reduced fetal movements."),
        para("Findings"),
        para("The registrar was not informed because the midwife did not want to disturb him at night."),
        para("Recommendations"),
        para("The unit should audit escalation of reduced fetal movements."),
    ])
    docx("docx/si-docx-typed-headings.docx", plain)

    # Hostile and broken packages.
    docx("bad/no-document.docx", "", omit_document=True)
    bomb = os.path.join(ROOT, "bad", "zip-bomb.docx")
    os.makedirs(os.path.dirname(bomb), exist_ok=True)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("[Content_Types].xml", STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, "<Types/>")
        info = zipfile.ZipInfo("word/document.xml", STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        # 24 MiB of spaces inside a text run: compresses about 1000 to 1.
        archive.writestr(info, f'<w:document {W}><w:body><w:p><w:r><w:t>' + " " * (24 << 20) + "</w:t></w:r></w:p></w:body></w:document>")
    with open(os.path.join(ROOT, "docx", "si-docx-styled.docx"), "rb") as handle:
        good = handle.read()
    write("bad/corrupt.docx", good[: len(good) // 2])  # truncated: no central directory
    ole = bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(504)
    ole += "EncryptionInfo".encode("utf-16-le") + bytes(20) + "EncryptedPackage".encode("utf-16-le") + bytes(400)
    write("bad/encrypted.docx", ole)


def csv_file(path, header, rows, crlf=True, bom=False):
    def cell(value):
        if any(c in value for c in ',"\r\n'):
            return '"' + value.replace('"', '""') + '"'
        return value
    end = "\r\n" if crlf else "\n"
    text = end.join(",".join(cell(v) for v in row) for row in [header] + rows) + end
    write(path, (("\ufeff" if bom else "") + text).encode("utf-8"))


def make_csv():
    csv_file("csv/nrls-extract.csv",
             ["RP01 Unique Incident ID", "RP07 NHS Organisation Code", "Date of Incident", "IN05 Incident Category",
              "IN07 Description of what happened", "IN10 Actions Preventing Reoccurrence", "IN11 Apparent Causes"],
             [["NRLS-1001", "RXX01", "03/02/2024", "Treatment, procedure",
               "Pathological CTG for 70 minutes. The CTG was not escalated to the registrar, who was in theatre.",
               "Fresh eyes review every hour, audited monthly.",
               "Delay in escalation; the midwife was unsure who to call, the coordinator was busy."],
              ["NRLS-1002", "RXX01", "2024-02-17 14:30", "Delivery",
               "Shoulder dystocia, managed with McRoberts. The team followed the drill and the baby was well.",
               "", "No apparent cause; good teamwork, no delay in escalation."],
              ["NRLS-1003", "RXX02", "17-02-2024 23:59:00", "Medication",
               "Oxytocin infusion, on a busy night, was not reviewed; staffing was two midwives short.",
               "Staffing escalation policy, reissued.", "Workload and staffing."]],
             crlf=True)
    csv_file("csv/lfpse-export.csv",
             ["Reference", "Occurred Organisation Code", "T005 - Event Date", "Patient number",
              "F001 - Describe what happened", "AC001 - What was done immediately to reduce harm caused by the event?",
              "OT003 - What was the clinical outcome for the patient?"],
             [["LFPSE-77", "R1F", "05/03/2024", "1",
               "Twin delivery. The registrar did not attend for 40 minutes after being called;\nthe midwife did not feel able to call the consultant directly.",
               "Consultant called by the coordinator.", "Mother: PPH 1.8 litres, transfused."],
              ["LFPSE-77", "R1F", "05/03/2024", "2",
               "Twin delivery. The registrar did not attend for 40 minutes after being called;\nthe midwife did not feel able to call the consultant directly.",
               "Consultant called by the coordinator.", "Twin 2: admitted to the neonatal unit, cooled."],
              ["LFPSE-77", "R1F", "05/03/2024", "3",
               "Twin delivery. The registrar did not attend for 40 minutes after being called;\nthe midwife did not feel able to call the consultant directly.",
               "Consultant called by the coordinator.", "Twin 1: well."],
              ["LFPSE-78", "R1F", "2024-03-09", "1",
               "Reduced fetal movements reported by phone; advice given to stay at home, no triage assessment offered.",
               "Woman invited in.", "Baby well after induction."]],
             crlf=False)
    csv_file("csv/steis-log.csv",
             ["Log No", "Date of Incident", "Type of Incident", "Description of what happened:", "Key Findings", "Case Summary"],
             [["2024/1234", "12/04/2024", "Maternity/Obstetric incident meeting SI criteria: baby only",
               "Baby born in poor condition after prolonged second stage.",
               "Delay in escalation of a prolonged second stage; handover between shifts omitted the CTG concerns.",
               "Term baby, HIE grade 2, cooled."]])
    csv_file("csv/datix-export.csv",
             ["inc_ourref", "inc_dincident", "inc_unit", "inc_type", "inc_notes", "inc_actiontaken", "inc_root_causes", "inc_inv_lessons"],
             [["W12345", "08/05/2024 10:15", "Delivery Suite", "Maternity",
               'Woman with "pre-eclampsia", BP 165/110. The registrar was not informed, because the midwife thought he was busy.\r\nSecond line of the note, after a CRLF.',
               "Magnesium started, consultant informed.",
               "Hierarchy: the midwife, a newly qualified Band 5, did not feel able to challenge.",
               "Escalate severe hypertension immediately."],
              ["W12346", "2024-05-11", "Birth Centre, Eastfield", "Maternity",
               "Transfer in from the birth centre was delayed by an ambulance wait of 55 minutes.",
               "Transfer escalated to the ambulance service.", "", "Shared learning on transfer."]],
             crlf=True, bom=True)
    csv_file("csv/custom-columns.csv",
             ["Ref", "Site", "Date", "Narrative", "Actions"],
             [["LOC-1", "Westbrook", "1 June 2024", "The CTG was not escalated and there was no consultant review overnight.",
               "CTG escalation teaching."],
              ["LOC-2", "Westbrook", "06/06/2024", "Handover between shifts omitted the rising early warning score.",
               "SBAR handover tool."]])
    # Malformed rows: a short row, a bad date, and a quote that is never closed at the end.
    text = ("inc_ourref,inc_dincident,inc_unit,inc_notes,inc_actiontaken\n"
            "M-1,01/01/2024,Ward 1,The CTG was not escalated to the registrar.,Teaching\n"
            "M-2,02/01/2024,Ward 1,Only four fields here\n"
            "M-3,31/02/2024,Ward 1,\"A note over\ntwo lines, with a comma.\",Audit\n"
            "M-4,04/01/2024,Ward 2,\"This cell never closes its quote,Audit\n"
            "M-5,05/01/2024,Ward 2,Swallowed by the open quote,Audit\n")
    write("bad/malformed.csv", text.encode("utf-8"))


def make_xml():
    write("xml/trust-incidents.xml", """<?xml version="1.0" encoding="UTF-8"?>
<!-- Invented export from a trust incident system: not the Sift schema, read with mappings/trust-incidents.yaml -->
<export system="invented">
  <incident ref="TI-2024-01">
    <site>Northgate Maternity</site>
    <occurred date="14/03/2024 08:00"/>
    <category>Intrapartum</category>
    <narrative>The CTG was pathological for an hour. The CTG was not escalated to the registrar.</narrative>
    <findings>
      <finding heading="Key findings">The coordinator was caring for a woman in labour; the unit was short of two midwives.</finding>
      <finding heading="Root causes">Delay in escalation because the midwife did not want to disturb the registrar.</finding>
    </findings>
  </incident>
  <incident ref="TI-2024-02">
    <site>Northgate Maternity</site>
    <occurred date="sometime in March"/>
    <narrative>Handover between shifts omitted the raised early warning score.</narrative>
  </incident>
</export>
""".encode("utf-8"))
    write("mappings/trust-incidents.yaml", """# XML mapping for xml/trust-incidents.xml (invented export): XPath per field
report: //incident
id: '@ref'
unit: site
date: occurred/@date
metadata:
  incident_type: category
sections:
  - element: narrative
    title: What happened
  - element: findings/finding
    title_from: '@heading'
""".encode("utf-8"))


if __name__ == "__main__":
    make_docx()
    make_csv()
    make_xml()
    print("fixtures written under", os.path.normpath(ROOT))
