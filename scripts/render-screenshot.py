# Renders a tmux `capture-pane -e` dump (text with SGR colours) into a PNG:
#   python3 scripts/render-screenshot.py DUMP.txt OUT.png COLUMNS   (needs Pillow and DejaVu fonts)
import re, sys
from PIL import Image, ImageDraw, ImageFont
src, dst = sys.argv[1], sys.argv[2]
font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 15)
bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf", 15)
cw, ch = 9, 19
lines = open(src, encoding="utf8").read().rstrip("\n").split("\n")
cols = int(sys.argv[3]) if len(sys.argv) > 3 else 100
img = Image.new("RGB", (cols * cw + 20, len(lines) * ch + 20), (24, 26, 33))
d = ImageDraw.Draw(img)
palette = {30: (60, 60, 60), 31: (230, 90, 90), 32: (120, 210, 120), 33: (230, 200, 90), 34: (100, 150, 240), 35: (200, 120, 220), 36: (90, 200, 220), 37: (220, 220, 220), 90: (128, 128, 128)}
for y, line in enumerate(lines):
    fg, isbold, dim, under, x = (220, 220, 220), False, False, False, 0
    for part in re.split(r"(\x1b\[[0-9;]*m)", line):
        m = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
        if m:
            for code in [int(c) if c else 0 for c in m.group(1).split(";")]:
                if code == 0: fg, isbold, dim, under = (220, 220, 220), False, False, False
                elif code == 1: isbold = True
                elif code == 2: dim = True
                elif code == 4: under = True
                elif code == 24: under = False
                elif code == 22: isbold, dim = False, False
                elif code == 39: fg = (220, 220, 220)
                elif code in palette: fg = palette[code]
            continue
        for c in part:
            color = tuple(int(v * 0.55) for v in fg) if dim else fg
            d.text((10 + x * cw, 10 + y * ch), c, font=bold if isbold else font, fill=color)
            if under: d.line((10 + x * cw, 10 + y * ch + ch - 3, 10 + (x + 1) * cw, 10 + y * ch + ch - 3), fill=color)
            x += 1
img.save(dst)
