"""Writes coronamelder.nl-en.tmx from the CoronaMelder Android app's string resources.

Source: https://github.com/minvws/nl-covid19-notification-app-android (commit 2395c1f22f70,
2022-09-28), app/src/main/res/values-nl/strings.xml (Dutch) and values/strings.xml (English),
EUPL 1.2 (Dutch Ministry of Health, Welfare and Sport). Strings are paired by their name; markup
and Android escapes are taken out. Run: python make_coronamelder_tmx.py NL.xml EN.xml
"""

import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree


def strings(path: str) -> dict[str, str]:
    root = etree.parse(path).getroot()
    found = {}
    for element in root.iter("string"):
        text = "".join(element.itertext())
        text = re.sub(r"<[^>]+>", "", text).replace("\\'", "'").replace('\\"', '"').replace("\\n", "\n")
        text = " ".join(text.split())
        if text and element.get("translatable") != "false":
            found[element.get("name")] = text
    return found


def main(nl: str, en: str) -> None:
    dutch, english = strings(nl), strings(en)
    units = [
        f'<tu tuid="{name}"><tuv xml:lang="nl"><seg>{escape(dutch[name])}</seg></tuv>'
        f'<tuv xml:lang="en"><seg>{escape(english[name])}</seg></tuv></tu>'
        for name in dutch
        if name in english and dutch[name] != english[name]
    ]
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">'
        '<header creationtool="make_coronamelder_tmx"'
        ' creationtoolversion="1" segtype="block" o-tmf="android" adminlang="en" srclang="nl"'
        ' datatype="plaintext"/>\n<body>\n'
    )
    out = Path(__file__).with_name("coronamelder.nl-en.tmx")
    out.write_text(head + "\n".join(units) + "\n</body></tmx>\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
