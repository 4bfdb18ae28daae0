#!/usr/bin/env python3
"""Writes the small committed fixtures of Corpora/hostile/ (see Corpora/hostile/README.md).

Deterministic: run it again and nothing changes. Big, unportable or racy cases (200 MB file, 50 MB line,
unreadable files, symlink loops, FIFOs, files that vanish) are made by the tests in a temporary folder.
"""
import io
import os
import random
import zipfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Corpora", "hostile")

BODY = ("Findings\n"
        "The CTG was not escalated to the registrar despite a pathological trace.\n"
        "The midwife felt unable to challenge the decision.\n")


def write(name, data):
    path = os.path.join(ROOT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


def main():
    # XML attacks
    write("xxe-external-entity.xml",
          '<?xml version="1.0"?>\n<!DOCTYPE report [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
          '<report id="xxe">\n  <section title="Findings">The CTG was not escalated. &xxe;</section>\n</report>\n')
    write("xxe-parameter-entity.xml",
          '<?xml version="1.0"?>\n<!DOCTYPE report [\n  <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">\n  %remote;\n]>\n'
          '<report id="xxe-param">\n  <section title="Findings">The CTG was not escalated.</section>\n</report>\n')
    laughs = ['<?xml version="1.0"?>', '<!DOCTYPE report [', '  <!ENTITY lol "lol">']
    for i in range(1, 10):
        prev = "&lol;" if i == 1 else "&lol%d;" % (i - 1)
        laughs.append('  <!ENTITY lol%d "%s">' % (i, prev * 10))
    laughs += [']>', '<report id="laughs">', '  <section title="Findings">The CTG was not escalated. &lol9;</section>', '</report>', '']
    write("billion-laughs.xml", "\n".join(laughs))
    write("remote-dtd.xml",
          '<?xml version="1.0"?>\n<!DOCTYPE report SYSTEM "http://127.0.0.1:9/report.dtd">\n'
          '<report id="remote-dtd">\n  <section title="Findings">The CTG was not escalated to the registrar.</section>\n</report>\n')
    depth = 5000
    write("deep-nesting.xml", '<report id="deep">\n<section title="Findings">' + "<b>" * depth + "deep" + "</b>" * depth + "</section>\n</report>\n")
    write("truncated.xml", '<?xml version="1.0"?>\n<report id="truncated">\n  <section title="Findings">The CTG was not esc')
    write("wrong-encoding-utf16-declared.xml",
          '<?xml version="1.0" encoding="UTF-16"?>\n<report id="wrong-encoding">\n  <section title="Findings">The CTG was not escalated.</section>\n</report>\n')
    write("latin1-declared-utf8-bytes.xml",
          '<?xml version="1.0" encoding="ISO-8859-1"?>\n<report id="latin1-declared">\n  <section title="Findings">The café midwife did not escalate the CTG.</section>\n</report>\n')
    write("utf16le-bom.xml", '<?xml version="1.0" encoding="UTF-16"?>\n<report id="xml-utf16">\n  <section title="Findings">The CTG was not escalated to the registrar.</section>\n</report>\n'.encode("utf-16"))
    write("not-sift-schema.xml", '<incidents><incident ref="1">The CTG was not escalated.</incident></incidents>\n')
    write("declaration-only.xml", '<?xml version="1.0"?>\n')
    write("entity-in-attribute.xml",
          '<?xml version="1.0"?>\n<!DOCTYPE report [<!ENTITY name "injected">]>\n<report id="attr-&name;" unit="&name;">\n  <section title="&name;">The CTG was not escalated.</section>\n</report>\n')
    # Encodings and bytes
    write("invalid-utf8.txt", b"id: invalid-utf8\n---\nFindings\nThe CTG was \xff\xfe not escalated \xc3\x28 to the registrar.\n")
    write("utf16le-bom.txt", ("id: utf16le\n---\n" + BODY).encode("utf-16-le").join([b"\xff\xfe", b""]))
    write("utf16be-bom.txt", b"\xfe\xff" + ("id: utf16be\n---\n" + BODY).encode("utf-16-be"))
    write("utf16-odd-length.txt", b"\xff\xfeF\x00i\x00n\x00")  # truncated UTF-16: odd byte count
    write("utf8-bom.txt", b"\xef\xbb\xbf" + ("id: utf8-bom\n---\n" + BODY).encode())
    write("utf8-bom.xml", b"\xef\xbb\xbf" + b'<report id="xml-bom"><section title="Findings">The CTG was not escalated.</section></report>\n')
    write("nul-bytes.txt", b"id: nul-bytes\n---\nFindings\nThe CTG\x00 was not\x00\x00 escalated to the registrar.\n")
    rng = random.Random(20240601)
    write("binary.txt", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4096)))
    write("binary.xml", b"\x7fELF\x02\x01\x01\x00" + bytes(rng.randrange(256) for _ in range(2048)))
    write("empty.txt", b"")
    write("empty.xml", b"")
    write("empty.csv", b"")
    write("empty.docx", b"")
    write("whitespace-only.txt", " \n\t\n\r\n\u00a0\n")
    write("crlf.txt", ("id: crlf\r\nunit: Test Unit\r\n---\r\n" + BODY.replace("\n", "\r\n")))
    write("lone-cr.txt", ("id: lone-cr\runit: Test Unit\r---\r" + BODY.replace("\n", "\r")))
    write("mixed-line-ends.txt", "id: mixed\n---\r\nFindings\rThe CTG was not escalated.\r\nThe midwife felt unable to challenge.\n")
    # Structure
    write("no-sections.txt", "id: no-sections\n---\n" + " ".join(["Something happened on the ward and it was noted."] * 6) + "\n")
    write("broken-front-matter-unclosed.txt", "---\nid: unclosed\nunit: Test Unit\n" + BODY)
    write("broken-front-matter-bad-line.txt", "id: bad-line\nunit: Test Unit\nthis line is not a key value pair\n---\n" + BODY)
    write("front-matter-only.txt", "id: front-only\nunit: Test Unit\n---\n")
    write("huge-front-matter-value.txt", "id: " + "x" * 100000 + "\n---\n" + BODY)
    # Other formats
    write("not-a-zip.docx", "This is plain text saved with a .docx extension.\n")
    write("truncated-zip.docx", _docx()[:200])
    write("unterminated-quote.csv", 'Ref,Date,Narrative\nR1,01/02/2024,"The CTG was not escalated.\nR2,02/02/2024,"never closed\n')
    write("utf16.csv", "Ref,Date,Narrative\r\nR1,01/02/2024,The CTG was not escalated.\r\n".encode("utf-16"))
    write("header-only.csv", "Ref,Date,Narrative\n")
    # Names
    write("name with spaces.txt", "id: name-with-spaces\n---\n" + BODY)
    write("rapport-sécurité-事故.txt", "id: non-ascii-name\n---\n" + BODY)
    write("x.txt/inside-a-folder-named-x.txt.txt", "id: inside-x-folder\n---\n" + BODY)


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("word/document.xml", date_time=(2024, 1, 1, 0, 0, 0))
        z.writestr(info, '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                   + '<w:p><w:r><w:t>The CTG was not escalated.</w:t></w:r></w:p>' * 20 + '</w:body></w:document>')
    return buffer.getvalue()


if __name__ == "__main__":
    main()
