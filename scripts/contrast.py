#!/usr/bin/env python3
"""Contrast ratios (WCAG 2) of a theme's palette, in light and dark mode.

Reads the custom properties of `:root { ... }` and of `@media (prefers-color-scheme: dark)
{ :root { ... } }` in a stylesheet, and computes the ratio of every text colour on every
background the default theme puts it on (PAIRS below). With --write, the table replaces the lines
between CONTRAST-TABLE-START and CONTRAST-TABLE-END in the stylesheet's top comment.

    python3 themes/default/contrast.py themes/default/static/style.css --write
    python3 themes/default/contrast.py themes/campus/static/style.css --write

Exits 1 when a pair is below 4.5:1 (AA for normal text). Not part of the build; no dependencies.
"""

import re
import sys

# (text colour, background, where). A value is a custom property name or a literal #hex.
PAIRS = [
    ("--text", "--bg", "body text on the page"),
    ("--text", "--surface", "text on cards, panels, header, footer"),
    ("--text", "--surface-2", "text on table heads, code, quotes"),
    ("--text", "--hero-bg", "home hero text"),
    ("--muted", "--bg", "secondary text on the page"),
    ("--muted", "--surface", "secondary text on cards, footer"),
    ("--muted", "--surface-2", "secondary text on table heads"),
    ("--muted", "--hero-bg", "mission label in the hero"),
    ("--accent", "--bg", "links on the page"),
    ("--accent", "--surface", "links, figures on cards"),
    ("--accent", "--hero-bg", "mission text in the hero"),
    ("--accent", "--accent-soft", "tags, badges, openings"),
    ("--accent", "--surface-2", "'N more' tile"),
    ("--accent-hover", "--bg", "hovered links"),
    ("--accent-hover", "--accent-soft", "hovered quiet button"),
    ("--muted", "--accent-soft", "counts in tag chips"),
    ("--on-accent", "--accent", "buttons, current chip and page"),
    ("--on-accent", "--accent-hover", "hovered buttons"),
    ("--banner-text", "--banner-bg", "recruitment banner text"),
    ("--banner-muted", "--banner-bg", "recruitment banner labels"),
    ("--banner-bg", "--banner-text", "banner's apply button"),
    ("--banner-bg", "--banner-muted", "banner's hovered button"),
    ("--open", "--surface", "status: open"),
    ("--upcoming", "--surface", "status: upcoming"),
    ("--closed", "--surface", "status: closed"),
    ("--open", "--bg", "status: open, on the page"),
    ("--upcoming", "--bg", "status: upcoming, on the page"),
    ("--ph-1-text", "--ph-1-bg", "cover placeholder 1"),
    ("--ph-2-text", "--ph-2-bg", "cover placeholder 2"),
    ("--ph-3-text", "--ph-3-bg", "cover placeholder 3"),
    ("--ph-4-text", "--ph-4-bg", "cover placeholder 4"),
    ("#1a1f26", "#ffffff", "partner name in a logo tile (always white)"),
    ("#1b4f99", "#ffffff", "sponsor initial in a logo tile (always white)"),
]


def props(block):
    return dict(re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})\b", block))


def palettes(css):
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    light = props(re.search(r"^:root\s*{(.*?)}", css, re.M | re.S).group(1))
    m = re.search(r"prefers-color-scheme:\s*dark\)\s*{\s*:root\s*{(.*?)}", css, re.S)
    dark = dict(light, **props(m.group(1))) if m else None
    return light, dark


def lum(hexc):
    h = hexc.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    def ch(v):
        v = int(v, 16) / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (ch(h[i:i + 2]) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a, b):
    la, lb = sorted((lum(a), lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def main():
    path = sys.argv[1]
    css = open(path, encoding="utf-8").read()
    light, dark = palettes(css)
    rows, worst = [], 99.0
    for fg, bg, where in PAIRS:
        cells = []
        for pal in (light, dark):
            if pal is None:
                cells.append("   -  ")
                continue
            f = pal.get(fg, fg if fg.startswith("#") else None)
            b = pal.get(bg, bg if bg.startswith("#") else None)
            if not f or not b:
                cells.append("   -  ")
                continue
            r = ratio(f, b)
            worst = min(worst, r)
            cells.append(f"{r:5.2f}:1")
        rows.append(f"   {cells[0]}  {cells[1]}  {fg} on {bg}: {where}")
    table = ["   light     dark     text on background"] + rows + [f"   lowest: {worst:.2f}:1"]
    print("\n".join(table))
    if "--write" in sys.argv:
        new = re.sub(r"(CONTRAST-TABLE-START\n).*?(CONTRAST-TABLE-END)",
                     lambda m: m.group(1) + "\n".join(table) + "\n" + m.group(2), css, flags=re.S)
        open(path, "w", encoding="utf-8").write(new)
    sys.exit(0 if worst >= 4.5 else 1)


if __name__ == "__main__":
    main()
