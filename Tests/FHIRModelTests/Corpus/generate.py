#!/usr/bin/env python3
"""Writes the malformed-input corpus (SYNTHETIC: every input hand-made for the tests, none taken from a source).

Run from this directory; the files are committed. MalformedJSON/: documents RFC 8259 refuses. HostileXML/: XML
that FHIR's reader must refuse (DTDs, entities, broken markup, bad UTF-8). CorpusRefusalTests reads every file
through every read path and checks that each is refused with a line and column, and that nothing crashes.
"""
import os, shutil

P = '{"resourceType":"Patient","id":"p1",'
B = '{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"a"}},'

json_cases = {
    # Strings: escapes, surrogates, control characters.
    "lone-high-surrogate": P + '"name":[{"family":"\\ud800"}]}',
    "lone-low-surrogate": P + '"name":[{"family":"\\udc00x"}]}',
    "unpaired-high-then-letter": P + '"name":[{"family":"\\ud83d\\u0041"}]}',
    "reversed-surrogates": '["\\ude00\\ud83d"]',
    "high-surrogate-at-end": '["abc\\ud83d"]',
    "surrogate-in-key": '{"\\ud800":1}',
    "control-char-tab": P + '"gender":"ma\tle"}',
    "control-char-newline": '["a\nb"]',
    "control-char-nul": b'["a\x00b"]',
    "control-char-0x1f": b'["a\x1fb"]',
    "control-char-in-key": b'{"a\x01":1}',
    "bad-escape-x": '["\\x41"]',
    "bad-escape-uppercase-U": '["\\U0041"]',
    "bad-escape-short-u": '["\\u00"]',
    "bad-escape-nonhex-u": '["\\u00G0"]',
    "bad-escape-a": '["\\a"]',
    "unterminated-string": '{"a":"abc',
    "unterminated-key": '{"abc',
    # Numbers.
    "leading-zero": P + '"multipleBirthInteger":01}',
    "leading-zeros-negative": '[-007]',
    "leading-zero-decimal": '[00.5]',
    "plus-one": P + '"multipleBirthInteger":+1}',
    "dot-five": '{"a":.5}',
    "one-dot": '{"a":1.}',
    "minus-dot": '[-.5]',
    "exponent-empty": '[1e]',
    "exponent-sign-only": '[1E-]',
    "lone-minus": '[-]',
    "NaN": '{"a":NaN}',
    "minus-NaN": '[-NaN]',
    "Infinity": '{"a":Infinity}',
    "minus-Infinity": '[-Infinity]',
    "hex-number": '[0x10]',
    "underscore-number": '[1_000]',
    "fullwidth-digit": '[\uff11]',
    "number-then-letters": '[12abc]',
    # Literals.
    "true-capitalised": '[True]',
    "null-misspelt": '[nul]',
    "null-extra": '[nulll]',
    "undefined": '[undefined]',
    # Structure.
    "trailing-comma-object": P + '"active":true,}',
    "trailing-comma-array": P + '"name":[{"given":["a","b",]}]}',
    "trailing-comma-bundle-entries": B + ']}',
    "double-comma-array": '[1,,2]',
    "comma-only-object": '{,}',
    "comma-only-array": '[,]',
    "double-colon": '{"a"::1}',
    "missing-colon": '{"a" 1}',
    "missing-comma": '{"a":1 "b":2}',
    "missing-value": '{"a":}',
    "single-quotes": "{'a':1}",
    "unquoted-key": '{a:1}',
    "comment-line": '// c\n{}',
    "comment-block": '{/* c */"a":1}',
    "closing-bracket-only": ']',
    "closing-brace-only": '}',
    "colon-only": ':',
    "mismatched-brackets": '[1}',
    "mismatched-braces": '{"a":[1]]',
    "unclosed-object": P + '"active":true',
    "unclosed-array": '[1,2',
    "unclosed-bundle": B[:-1],
    "empty-key": '{"":1}',
    # Whole documents.
    "empty": '',
    "whitespace-only": ' \n\t\r\n ',
    "second-top-level-value": P + '"active":true} {"resourceType":"Patient"}',
    "second-top-level-after-newline": '{"resourceType":"Patient"}\n{"resourceType":"Patient"}',
    "trailing-garbage": '{"resourceType":"Patient"} x',
    "trailing-comma-after-document": '{"resourceType":"Patient"},',
    "trailing-nul": b'{"resourceType":"Patient"}\x00',
    "top-level-nul-only": b'\x00',
    # Byte order marks.
    "bom-only": b'\xef\xbb\xbf',
    "bom-after-whitespace": b' \xef\xbb\xbf{"resourceType":"Patient"}',
    "bom-twice": b'\xef\xbb\xbf\xef\xbb\xbf{"resourceType":"Patient"}',
    "bom-inside-array": b'[\xef\xbb\xbf1]',
    "bom-before-second-line": b'{"resourceType":"Patient"}\n\xef\xbb\xbf{"resourceType":"Patient"}',
    "utf16le-bom": b'\xff\xfe{\x00}\x00',
    "utf16be-document": b'\x00{\x00}',
    "utf32-bom": b'\x00\x00\xfe\xff',
    # Invalid UTF-8.
    "utf8-lone-continuation": b'["\x80"]',
    "utf8-overlong-slash-2": b'["\xc0\xaf"]',
    "utf8-overlong-slash-3": b'["\xe0\x80\xaf"]',
    "utf8-overlong-slash-4": b'["\xf0\x80\x80\xaf"]',
    "utf8-overlong-nul": b'["\xc0\x80"]',
    "utf8-encoded-high-surrogate": b'["\xed\xa0\x80"]',
    "utf8-encoded-low-surrogate": b'["\xed\xbf\xbf"]',
    "utf8-encoded-surrogate-pair": b'["\xed\xa0\xbd\xed\xb8\x80"]',
    "utf8-above-10FFFF": b'["\xf4\x90\x80\x80"]',
    "utf8-F5": b'["\xf5\x80\x80\x80"]',
    "utf8-FE-FF": b'["\xfe\xff"]',
    "utf8-truncated-3": b'["\xe2\x82"]',
    "utf8-truncated-at-end-of-input": b'["\xe2\x82',
    "utf8-latin1-e-acute": b'{"resourceType":"Patient","name":[{"family":"Ren\xe9"}]}',
    "utf8-in-key": b'{"\xc3\x28":1}',
    "utf8-between-tokens": b'{"a":1\xc2\xa0}',
    "utf8-in-bundle-entry": (B + '{"resource":{"resourceType":"Patient","id":"').encode() + b'\xff"}}]}',
    # Duplicate keys.
    "duplicate-top-level": P + '"gender":"male","gender":"female"}',
    "duplicate-resourceType": '{"resourceType":"Patient","resourceType":"Observation"}',
    "duplicate-nested": P + '"name":[{"family":"a","family":"b"}]}',
    "duplicate-escaped": P + '"gender":"male","\\u0067ender":"female"}',
    "duplicate-in-bundle-entry": B + '{"resource":{"resourceType":"Patient","id":"b","id":"c"}}]}',
    "duplicate-entry-member": B + '{"resource":{"resourceType":"Patient"}}],"entry":[]}',
    "duplicate-in-extension": P + '"_gender":{"extension":[{"url":"u","url":"v"}]}}',
    "duplicate-late-in-large-object": '{' + ','.join('"k%d":%d' % (i, i) for i in range(100)) + ',"k50":0}',
    # Nesting far beyond any limit: refused, no stack overflow.
    "deep-arrays": '[' * 20000 + ']' * 20000,
    "deep-objects": '{"a":' * 20000 + '1' + '}' * 20000,
    "deep-arrays-unclosed": '[' * 100000,
    "deep-in-resource": P + '"extension":' + '[{"extension":' * 5000 + '[]' + '}]' * 5000 + '}',
}

xml_open = '<Patient xmlns="http://hl7.org/fhir">'
xml_cases = {
    "doctype-internal-subset": '<!DOCTYPE Patient [<!ELEMENT Patient ANY>]>' + xml_open + '<id value="a"/></Patient>',
    "xxe-file": '<?xml version="1.0"?>\n<!DOCTYPE Patient [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + xml_open + '<id value="&x;"/></Patient>',
    "xxe-network": '<!DOCTYPE Patient [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>' + xml_open + '<id value="&x;"/></Patient>',
    "xxe-parameter-entity": '<!DOCTYPE Patient [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>' + xml_open + '</Patient>',
    "external-dtd": '<!DOCTYPE Patient SYSTEM "http://127.0.0.1:9/fhir.dtd">' + xml_open + '</Patient>',
    "billion-laughs": '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n' + ''.join(
        '<!ENTITY lol%d "%s">\n' % (i, ('&lol%s;' % ('' if i == 1 else i - 1)) * 10) for i in range(1, 10)) + ']>\n' + xml_open + '<id value="&lol9;"/></Patient>',
    "quadratic-blowup": '<!DOCTYPE Patient [<!ENTITY a "' + 'x' * 50000 + '">]>' + xml_open + '<id value="' + '&a;' * 1000 + '"/></Patient>',
    "undeclared-entity": xml_open + '<id value="&nope;"/></Patient>',
    "deep-nesting": xml_open + '<extension url="u">' * 5000 + '</extension>' * 5000 + '</Patient>',
    "deep-nesting-unclosed": xml_open + '<extension url="u">' * 5000,
    "unclosed-root": xml_open + '<id value="a"/>',
    "unclosed-element": xml_open + '<name><family value="a"/></Patient>',
    "mismatched-end-tag": xml_open + '<name></nme></Patient>',
    "unclosed-attribute": xml_open + '<id value="a/></Patient>',
    "unquoted-attribute": xml_open + '<id value=a/></Patient>',
    "duplicate-attribute": xml_open + '<id value="a" value="b"/></Patient>',
    "lt-in-attribute": xml_open + '<id value="a<b"/></Patient>',
    "two-roots": xml_open + '</Patient>' + xml_open + '</Patient>',
    "text-after-root": xml_open + '</Patient>junk',
    "empty": '',
    "whitespace-only": '  \n ',
    "not-xml": '{"resourceType":"Patient"}',
    "bad-char-reference": xml_open + '<id value="&#0;"/></Patient>',
    "control-character": xml_open.encode() + b'<id value="a\x01b"/></Patient>',
    "invalid-utf8": xml_open.encode() + b'<id value="\xff\xfe"/></Patient>',
    "utf8-overlong": xml_open.encode() + b'<id value="\xc0\xaf"/></Patient>',
    "utf8-encoded-surrogate": xml_open.encode() + b'<id value="\xed\xa0\x80"/></Patient>',
    "utf8-truncated": xml_open.encode() + b'<id value="\xe2\x82',
    "latin1-declared-utf8": b'<?xml version="1.0" encoding="UTF-8"?>' + xml_open.encode() + b'<name><family value="Ren\xe9"/></name></Patient>',
    "processing-instruction-xinclude": xml_open + '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/></Patient>',
    "cdata-in-primitive": xml_open + '<id><![CDATA[a]]></id></Patient>',
    "xml-declaration-late": ' ' + xml_open + '<?xml version="1.0"?></Patient>',
    "wrong-namespace": '<Patient xmlns="http://example.org/"><id value="a"/></Patient>',
    "no-namespace": '<Patient><id value="a"/></Patient>',
    "unknown-resource": '<Patient2 xmlns="http://hl7.org/fhir"/>',
}

def write(directory, cases, suffix):
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    for name, content in cases.items():
        data = content if isinstance(content, bytes) else content.encode()
        with open(os.path.join(directory, name + suffix), 'wb') as f:
            f.write(data)

write('MalformedJSON', json_cases, '.json')
write('HostileXML', xml_cases, '.xml')
print(len(json_cases), 'JSON,', len(xml_cases), 'XML')
