#!/usr/bin/env python3
"""Draw the demo store's pictures.

Why: the demo store (server/demo/store.json) needs product, post, community
and avatar images, and we cannot ship stock photos. This script draws flat
illustrations with Pillow (products, everyday scenes, simple faces), writes
them as small JPEGs under public/img/, then re-opens every image referenced
by store.json and checks its pixel size and the store's invariants. It also
renders the app icons (public/icons/icon-192.png, icon-512.png).

What gets drawn is read from store.json: a product's picture follows its
English title ("kettle", "helmet", ...), a post or story picture follows its
English alt text ("night ride by the lake", "on the kitchen counter", ...).
Everything is seeded, so re-running gives the same files.

Run from the repository root (needs Pillow: `pip install Pillow`):

    python3 server/demo/gen_images.py            # draw everything, then check
    python3 server/demo/gen_images.py --check    # only check

The images are committed; Pillow is only a development tool.
"""

import json
import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[2]
STORE = ROOT / "server" / "demo" / "store.json"
PUBLIC = ROOT / "public"
SS = 2  # draw at 2x, then downsample: cheap anti-aliasing
JPEG = dict(quality=72, optimize=True, progressive=True)

# ---------------------------------------------------------------- colours

PAL = {
    "mothers": dict(bgs=[("#fdebe6", "#f9d2c9"), ("#e8f5f0", "#c8e7dc"), ("#fff5df", "#fbe1ad")],
                    main="#f4a7a0", accent="#7fc4b0", warm="#f7d488", dark="#7a5c61",
                    wall="#fbe9e3", floor="#e8cfb5"),
    "cycling": dict(bgs=[("#dcf0f8", "#a3d4e9"), ("#feeadb", "#fbc8a3"), ("#e5f3e6", "#b5ddb9")],
                    main="#ff7a3d", accent="#2b7fad", warm="#ffd166", dark="#22313f",
                    wall="#e6eef2", floor="#c9c2b6"),
    "photography": dict(bgs=[("#ece9e4", "#cfc8bd"), ("#e1e6ef", "#b4bed2"), ("#f7e9d6", "#e8c59b")],
                        main="#2d3142", accent="#ef8354", warm="#f2c14e", dark="#1d2030",
                        wall="#e9e5df", floor="#b9a58f"),
    "coffee": dict(bgs=[("#f5ece0", "#e4cfb4"), ("#f1e4d3", "#d6b391"), ("#e9f0e7", "#c4d8c0")],
                   main="#c08552", accent="#5e8c61", warm="#dab49d", dark="#4a2c21",
                   wall="#f1e6d8", floor="#a7774f"),
}
INK = "#26282d"
SILVER = "#c7cdd5"
WOOD = "#8a5a3b"
SKIN = ["#f6d3b8", "#efc3a0", "#e7b48f", "#f9ddc7"]


def rgb(c):
    if isinstance(c, tuple):
        return c[:3]
    c = c.lstrip("#")
    return tuple(int(c[i:i + 2], 16) for i in (0, 2, 4))


def mix(a, b, t):
    a, b = rgb(a), rgb(b)
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))


def shade(c, f):
    """f < 0 darkens towards black, f > 0 lightens towards white."""
    return mix(c, (0, 0, 0) if f < 0 else (255, 255, 255), abs(f))


def rgba(c, a):
    return rgb(c) + (a,)


def has(text, *words):
    return any(w in text for w in words)


# ---------------------------------------------------------------- drawing pen

class Pen:
    """Draws in a unit box: (cx, cy) is the origin, s the size of one unit (pixels)."""

    def __init__(self, img, cx, cy, s):
        self.img, self.cx, self.cy, self.s = img, cx, cy, s
        self.d = ImageDraw.Draw(img)

    def p(self, x, y):
        return (self.cx + x * self.s, self.cy + y * self.s)

    def sub(self):
        return Pen(Image.new("RGBA", self.img.size, (0, 0, 0, 0)), self.cx, self.cy, self.s)

    def merge(self, other, blur=0):
        im = other.img.filter(ImageFilter.GaussianBlur(blur * self.s)) if blur else other.img
        self.img.alpha_composite(im)

    def col(self, c):
        if c is None:
            return None
        return c if isinstance(c, tuple) else rgb(c)

    def rect(self, x0, y0, x1, y1, fill=None, r=0.0, outline=None, w=0.0):
        (a, b), (c, d) = self.p(min(x0, x1), min(y0, y1)), self.p(max(x0, x1), max(y0, y1))
        rad = max(0, min(r * self.s, (c - a) / 2 - 0.5, (d - b) / 2 - 0.5))
        self.d.rounded_rectangle([a, b, c, d], radius=rad, fill=self.col(fill),
                                 outline=self.col(outline), width=max(0, int(w * self.s)))

    def ell(self, x, y, rx, ry, fill=None, outline=None, w=0.0):
        a, b = self.p(x - rx, y - ry)
        c, d = self.p(x + rx, y + ry)
        self.d.ellipse([a, b, c, d], fill=self.col(fill), outline=self.col(outline),
                       width=max(0, int(w * self.s)))

    def circle(self, x, y, r, fill=None, outline=None, w=0.0):
        self.ell(x, y, r, r, fill, outline, w)

    def poly(self, pts, fill=None, outline=None, w=0.0):
        self.d.polygon([self.p(*q) for q in pts], fill=self.col(fill), outline=self.col(outline),
                       width=max(0, int(w * self.s)))

    def blob(self, pts, fill, r):
        """A polygon with rounded corners (fill plus a fat outline of the same colour)."""
        self.poly(pts, fill)
        self.line(pts + [pts[0]], fill, r * 2, cap=True)

    def line(self, pts, fill, w, cap=True):
        xy = [self.p(*q) for q in pts]
        width = max(1, int(w * self.s))
        self.d.line(xy, fill=self.col(fill), width=width, joint="curve")
        if cap:
            for q in (pts[0], pts[-1]):
                self.circle(q[0], q[1], w / 2 * 0.98, fill=fill)

    def arc(self, x, y, rx, ry, a0, a1, fill, w, n=48, cap=True):
        if abs(a1 - a0) >= 360:  # a full ring: an outlined ellipse has no seams
            self.ell(x, y, rx + w / 2, ry + w / 2, outline=fill, w=w)
            return []
        pts = [(x + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
                y + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n))) for i in range(n + 1)]
        self.line(pts, fill, w, cap)
        return pts

    def pie(self, x, y, rx, ry, a0, a1, fill):
        a, b = self.p(x - rx, y - ry)
        c, d = self.p(x + rx, y + ry)
        self.d.pieslice([a, b, c, d], a0, a1, fill=self.col(fill))

    def oval(self, x, y, rx, ry, ang, fill):
        """A rotated ellipse."""
        t = math.radians(ang)
        pts = []
        for i in range(24):
            u = 2 * math.pi * i / 24
            ex, ey = rx * math.cos(u), ry * math.sin(u)
            pts.append((x + ex * math.cos(t) - ey * math.sin(t), y + ex * math.sin(t) + ey * math.cos(t)))
        self.poly(pts, fill)

    def star(self, x, y, r, fill, points=5):
        pts = []
        for i in range(points * 2):
            rr = r if i % 2 == 0 else r * 0.45
            a = math.pi * i / points - math.pi / 2
            pts.append((x + rr * math.cos(a), y + rr * math.sin(a)))
        self.poly(pts, fill)


def bez(p0, p1, p2, p3, n=40):
    out = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        out.append((u ** 3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t ** 3 * p3[0],
                    u ** 3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t ** 3 * p3[1]))
    return out


def vgrad(size, stops):
    """Vertical gradient through colour stops [(pos 0..1, colour)]."""
    w, h = size
    col = Image.new("RGB", (1, 256))
    for i in range(256):
        t = i / 255
        for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
            if p0 <= t <= p1:
                col.putpixel((0, i), mix(c0, c1, (t - p0) / max(p1 - p0, 1e-6)))
                break
    return col.resize((w, h), Image.BILINEAR).convert("RGBA")


# ---------------------------------------------------------------- objects
# Every object fits the unit box [-1, 1] x [-1, 1]; its foot rests near y = 0.95.

def o_carrier(P, c, t):
    oat, oat_d, belt = "#dccaa8", "#bda580", "#6d5d4d"
    P.line([(-0.4, -0.4), (-0.58, -0.82), (-0.36, -1.0)], oat_d, 0.17)
    P.line([(0.4, -0.4), (0.58, -0.82), (0.36, -1.0)], oat_d, 0.17)
    P.rect(-0.64, -0.72, -0.48, -0.6, belt, r=0.03)
    P.rect(0.48, -0.72, 0.64, -0.6, belt, r=0.03)
    P.rect(-0.56, -0.62, 0.56, 0.56, oat, r=0.3)
    P.rect(-0.46, -0.74, 0.46, -0.46, oat_d, r=0.14)
    P.rect(-0.34, -0.32, 0.34, 0.26, "#f1e7d4", r=0.1)
    for i in range(6):
        for j in range(5):
            P.circle(-0.25 + i * 0.1, -0.22 + j * 0.1, 0.022, oat_d)
    P.rect(-0.96, 0.42, 0.96, 0.8, belt, r=0.15)
    P.line([(-0.85, 0.5), (0.85, 0.5)], shade(belt, 0.25), 0.015, cap=False)
    P.line([(-0.85, 0.72), (0.85, 0.72)], shade(belt, 0.25), 0.015, cap=False)
    P.rect(-0.12, 0.47, 0.12, 0.75, "#3a332c", r=0.05)
    P.rect(-0.06, 0.53, 0.06, 0.69, shade(belt, 0.35), r=0.02)


def baby_bottle(P, x, y0, y1, hw, cap):
    teat = "#f2d9b8"
    P.ell(x, y0 + 0.17, hw * 0.5, 0.15, teat)
    P.circle(x, y0 + 0.05, hw * 0.24, teat)
    P.rect(x - hw * 1.1, y0 + 0.2, x + hw * 1.1, y0 + 0.4, cap, r=0.05)
    P.rect(x - hw, y0 + 0.38, x + hw, y1, "#eaf4fb", r=hw * 0.5, outline="#b7cfdd", w=0.02)
    my = y1 - (y1 - (y0 + 0.45)) * 0.6
    P.rect(x - hw + 0.04, my, x + hw - 0.04, y1 - 0.04, "#fffcf1", r=hw * 0.4)
    for i in range(4):
        ty = y0 + 0.55 + i * (y1 - y0 - 0.7) / 4
        P.line([(x - hw + 0.06, ty), (x - hw + 0.16, ty)], "#8fb0c3", 0.02, cap=False)
    P.line([(x + hw * 0.55, y0 + 0.55), (x + hw * 0.55, y1 - 0.18)], "#ffffff", 0.045)


def o_baby_bottle(P, c, t):
    baby_bottle(P, 0, -0.95, 0.94, 0.36, c["accent"])


def o_warmer(P, c, t):
    body, edge = "#f8f6f3", "#d9d3cb"
    P.ell(0, -0.05, 0.5, 0.1, "#cfc8bf")
    baby_bottle(P, 0, -0.98, 0.3, 0.26, c["main"])
    P.rect(-0.58, -0.05, 0.58, 0.93, body, r=0.2, outline=edge, w=0.025)
    P.arc(0, -0.05, 0.57, 0.1, 0, 180, edge, 0.03)
    P.circle(0, 0.45, 0.19, c["accent"])
    P.circle(0, 0.45, 0.12, "#ffffff")
    P.line([(0, 0.45), (0.07, 0.37)], INK, 0.03)
    P.circle(0.36, 0.45, 0.045, "#7bd389")
    P.circle(-0.36, 0.45, 0.045, shade(edge, -0.1))


def o_swaddle(P, c, t):
    cols = [c["accent"], c["warm"], c["main"]]
    base, th = 0.93, 0.27
    for i, col in enumerate(cols):
        y1 = base - i * th
        inset = i * 0.04
        P.rect(-0.86 + inset, y1 - th - 0.02, 0.86 - inset, y1, shade(col, -0.06), r=0.1)
        P.line([(-0.7 + inset, y1 - th * 0.45), (0.7 - inset, y1 - th * 0.45)], shade(col, 0.3), 0.02, cap=False)
        if i == 0:
            for k in range(9):
                P.line([(-0.68 + k * 0.17, y1 - th + 0.04), (-0.68 + k * 0.17, y1 - 0.05)],
                       shade(col, 0.35), 0.03, cap=False)
        if i == 1:
            for k in range(8):
                P.circle(-0.6 + k * 0.17, y1 - th * 0.45, 0.035, "#ffffff")
    top = base - 3 * th
    face = [(-0.78, top), (0.78, top), (0.6, top - 0.55), (-0.6, top - 0.55)]
    P.blob(face, cols[2], 0.05)
    rnd = random.Random(3)
    for k in range(7):
        yy = top - 0.08 - rnd.random() * 0.4
        span = 0.55 + (yy - top + 0.55) * 0.3
        P.star(rnd.uniform(-span, span), yy, 0.05, "#ffffff")


def o_white_noise(P, c, t):
    g = P.sub()
    g.circle(0, 0.1, 1.0, rgba(c["warm"], 80))
    g.circle(0, 0.1, 0.9, rgba(c["warm"], 60))
    P.merge(g, blur=0.06)
    for sx in (-1, 1):
        P.circle(sx * 0.46, -0.58, 0.2, c["main"])
        P.circle(sx * 0.46, -0.58, 0.11, shade(c["main"], 0.4))
    P.circle(0, 0.1, 0.78, "#fbf8f3", outline="#e6ddd3", w=0.02)
    for ring in (1, 2, 3):
        n = 6 * ring
        for k in range(n):
            a = 2 * math.pi * k / n
            P.circle(0.15 * ring * math.cos(a), 0.28 + 0.15 * ring * math.sin(a), 0.028, "#d6cabd")
    P.circle(0, 0.28, 0.03, "#d6cabd")
    P.circle(-0.22, -0.2, 0.045, INK)
    P.circle(0.22, -0.2, 0.045, INK)
    P.ell(-0.34, -0.08, 0.07, 0.04, shade(c["main"], 0.3))
    P.ell(0.34, -0.08, 0.07, 0.04, shade(c["main"], 0.3))


def pacifier(P, x, y, k, col, ring):
    P.ell(x, y - 0.42 * k, 0.17 * k, 0.3 * k, "#f3dcc0")
    P.ell(x, y, 0.62 * k, 0.4 * k, col)
    P.ell(x - 0.36 * k, y - 0.02 * k, 0.1 * k, 0.07 * k, shade(col, 0.55))
    P.ell(x + 0.36 * k, y - 0.02 * k, 0.1 * k, 0.07 * k, shade(col, 0.55))
    P.arc(x, y + 0.34 * k, 0.24 * k, 0.24 * k, 0, 360, ring, 0.07 * k)
    P.circle(x, y, 0.16 * k, ring)
    P.circle(x - 0.04 * k, y - 0.04 * k, 0.05 * k, shade(ring, 0.5))


def o_pacifier(P, c, t):
    pacifier(P, -0.36, -0.2, 0.95, "#f4a7b9", "#e27d96")
    pacifier(P, 0.4, 0.33, 0.88, "#9bd8c4", "#5fb49b")


def o_nail_set(P, c, t):
    case = c["main"]
    P.rect(-0.92, -0.95, 0.92, -0.45, shade(case, -0.12), r=0.14)
    P.rect(-0.92, -0.55, 0.92, 0.85, case, r=0.14)
    P.rect(-0.8, -0.42, 0.8, 0.72, "#fffaf5", r=0.08)
    P.rect(-0.62, -0.25, -0.38, 0.55, SILVER, r=0.1)
    P.rect(-0.58, -0.18, -0.42, 0.4, shade(SILVER, -0.2), r=0.07)
    P.circle(-0.5, -0.28, 0.08, shade(SILVER, -0.3))
    P.rect(-0.11, -0.12, 0.11, 0.58, c["accent"], r=0.1)
    P.circle(0, -0.22, 0.13, "#fdf3e7", outline=shade(c["accent"], -0.2), w=0.02)
    P.circle(0, 0.2, 0.04, "#ffffff")
    for sx in (0.42, 0.62):
        P.arc(sx, 0.42, 0.08, 0.08, 0, 360, c["warm"], 0.035)
    P.line([(0.45, 0.33), (0.54, -0.3)], shade(SILVER, -0.15), 0.04)
    P.line([(0.6, 0.33), (0.5, -0.3)], shade(SILVER, -0.05), 0.04)


def o_nursing_pillow(P, c, t):
    base, dot = "#d7dbe0", c["main"]
    pts = P.arc(0, 0.2, 0.6, 0.5, -25, 205, base, 0.62)
    for off in (-0.14, 0.0, 0.14):
        for k, a in enumerate(range(-15, 200, 18)):
            rr = 0.6 + off
            P.circle(rr * math.cos(math.radians(a + (k % 2) * 9)),
                     0.2 + (0.5 + off) * math.sin(math.radians(a + (k % 2) * 9)), 0.03, dot)
    for k in range(0, len(pts) - 1, 2):
        P.line([pts[k], pts[k + 1]], "#f2f4f6", 0.012, cap=False)


def glove(P, x, y, k, col, pad, m):
    tips = "#9aa1ab"
    fingers = [(-0.26, -0.24, 0.46), (-0.09, -0.3, 0.56), (0.09, -0.3, 0.53), (0.25, -0.24, 0.4)]
    for bx, by, L in fingers:
        P.line([(x + m * bx * k, y + by * k), (x + m * bx * 1.08 * k, y + (by - L) * k)], col, 0.17 * k)
    P.circle(x + m * -0.09 * 1.08 * k, y + (-0.3 - 0.56) * k, 0.075 * k, tips)
    P.line([(x + m * 0.28 * k, y + 0.14 * k), (x + m * 0.62 * k, y - 0.2 * k)], col, 0.19 * k)
    P.circle(x + m * 0.62 * k, y - 0.2 * k, 0.085 * k, tips)
    P.rect(x - 0.37 * k, y - 0.34 * k, x + 0.37 * k, y + 0.45 * k, col, r=0.15 * k)
    P.ell(x, y + 0.08 * k, 0.21 * k, 0.12 * k, pad)
    P.ell(x - m * 0.16 * k, y - 0.17 * k, 0.1 * k, 0.07 * k, pad)
    P.ell(x + m * 0.15 * k, y - 0.17 * k, 0.1 * k, 0.07 * k, pad)
    P.rect(x - 0.35 * k, y + 0.4 * k, x + 0.35 * k, y + 0.7 * k, shade(col, 0.12), r=0.06 * k)
    P.rect(x - 0.12 * k, y + 0.45 * k, x + 0.28 * k, y + 0.64 * k, pad, r=0.04 * k)


def o_gloves(P, c, t):
    glove(P, 0.32, 0.2, 0.85, "#3a3e46", shade(c["main"], -0.1), -1)
    glove(P, -0.22, 0.26, 0.95, "#2a2d34", c["main"], 1)


def o_bike_light(P, c, t):
    g = P.sub()
    g.poly([(0.55, -0.14), (0.55, 0.14), (1.0, 0.55), (1.0, -0.4)], rgba("#fff1b8", 150))
    P.merge(g, blur=0.03)
    P.rect(-0.3, 0.22, 0.1, 0.45, "#1f2329", r=0.04)
    P.rect(-0.48, 0.4, 0.28, 0.56, "#1f2329", r=0.07)
    P.rect(-0.78, -0.28, 0.56, 0.28, "#3b4049", r=0.22)
    for k in range(7):
        xx = -0.55 + k * 0.1
        P.line([(xx, -0.24), (xx, 0.24)], "#4c525c", 0.035, cap=False)
    P.line([(-0.6, -0.16), (0.4, -0.16)], "#6b727d", 0.03)
    P.ell(0.56, 0, 0.1, 0.27, "#fff6d2", outline="#9aa0a8", w=0.025)
    P.rect(-0.32, -0.37, -0.1, -0.25, c["main"], r=0.04)
    P.rect(-0.8, -0.07, -0.74, 0.07, "#16191d", r=0.02)


def o_saddle_bag(P, c, t):
    P.line([(0.0, -0.5), (0.26, 0.95)], "#59636e", 0.13, cap=False)
    P.rect(-0.08, -0.56, 0.12, -0.44, "#3d424b", r=0.03)
    P.line([(-0.55, -0.56), (0.5, -0.56)], "#8a939d", 0.035)
    top = [(-0.85 + 1.75 * i / 20, -0.8 + 0.07 * math.sin(math.pi * i / 20)) for i in range(21)]
    bottom = [(x, y + 0.2 - 0.14 * i / 20) for i, (x, y) in enumerate(top)]
    P.blob(top + bottom[::-1], "#23262d", 0.025)
    bag = "#2c3038"
    P.blob([(-0.78, -0.48), (-0.02, -0.48), (0.0, -0.08), (-0.42, 0.06), (-0.8, -0.12)], bag, 0.08)
    P.line([(-0.76, -0.34), (-0.1, -0.36)], c["main"], 0.025)
    P.line([(-0.86, -0.26), (-0.88, -0.06)], "#d7dde3", 0.05)
    P.rect(-0.06, -0.34, 0.18, -0.22, "#15171b", r=0.03)


def o_helmet(P, c, t):
    shell, line = "#f7f8fa", "#d6dbe0"
    pts = [(0.95 * math.cos(math.radians(a)), 0.12 + 0.86 * math.sin(math.radians(a)))
           for a in range(180, 361, 6)]
    pts = [(-0.98, 0.16)] + pts + [(1.02, 0.2)]
    P.blob(pts, shell, 0.03)
    P.line(pts[1:-1], line, 0.02, cap=False)
    P.arc(0, 0.12, 0.55, 0.7, 200, 340, c["main"], 0.07)
    for k, tx in enumerate((-0.62, -0.31, 0.0, 0.31, 0.62)):
        top = -0.56 + abs(tx) * 0.34
        P.line([(tx * 0.78, top), (tx * 0.95, -0.12 + abs(tx) * 0.05)], "#2b2f36", 0.1)
    P.rect(-0.98, 0.1, 1.0, 0.26, shade(c["main"], -0.15), r=0.07)
    P.line([(-0.55, 0.26), (-0.08, 0.78)], INK, 0.035)
    P.line([(0.55, 0.26), (0.08, 0.78)], INK, 0.035)
    P.rect(-0.1, 0.72, 0.1, 0.86, INK, r=0.03)


def o_water_bottle(P, c, t):
    blue = "#2f7fc1"
    P.rect(-0.36, -0.5, 0.36, 0.95, blue, r=0.16)
    P.rect(-0.36, 0.08, 0.36, 0.38, shade(blue, 0.25))
    cut = (0, 0, 0, 0)
    P.ell(-0.42, 0.22, 0.08, 0.26, cut)
    P.ell(0.42, 0.22, 0.08, 0.26, cut)
    P.arc(0, 0.62, 0.14, 0.08, 180, 360, "#ffffff", 0.04)
    P.arc(0, 0.7, 0.14, 0.08, 180, 360, "#ffffff", 0.04)
    P.rect(-0.31, -0.72, 0.31, -0.46, "#222831", r=0.08)
    P.rect(-0.13, -0.9, 0.13, -0.7, "#222831", r=0.05)
    P.rect(-0.07, -0.98, 0.07, -0.88, "#e6e6e6", r=0.03)
    P.line([(0.22, -0.38), (0.22, -0.02)], shade(blue, 0.45), 0.05)
    P.line([(0.22, 0.45), (0.22, 0.82)], shade(blue, 0.45), 0.05)


def o_pump(P, c, t):
    P.line(bez((0.78, 0.06), (1.05, 0.3), (0.75, 0.75), (0.25, 0.58)), "#2a2e35", 0.07)
    P.rect(0.12, 0.5, 0.3, 0.66, "#2a2e35", r=0.03)
    P.rect(-0.86, -0.14, 0.56, 0.14, SILVER, r=0.1)
    P.line([(-0.7, -0.06), (0.45, -0.06)], "#eef1f4", 0.035)
    P.rect(-0.98, -0.18, -0.72, 0.18, "#2a2e35", r=0.08)
    P.rect(0.5, -0.18, 0.8, 0.18, "#2a2e35", r=0.06)
    P.rect(-0.36, -0.18, -0.24, -0.12, "#2a2e35")
    P.circle(-0.3, -0.36, 0.22, "#2a2e35")
    P.circle(-0.3, -0.36, 0.18, "#fbfbfb")
    for k in range(9):
        a = math.radians(150 + k * 30)
        P.line([(-0.3 + 0.14 * math.cos(a), -0.36 + 0.14 * math.sin(a)),
                (-0.3 + 0.17 * math.cos(a), -0.36 + 0.17 * math.sin(a))], INK, 0.015, cap=False)
    P.line([(-0.3, -0.36), (-0.2, -0.45)], c["main"], 0.025)


def o_glasses(P, c, t):
    dark, light = "#3b4757", "#8fa4b8"
    for sx in (-1, 1):
        x = sx * 0.47
        P.ell(x, 0.02, 0.44, 0.32, dark)
        P.pie(x, 0.02, 0.44, 0.32, 10, 170, light)
        P.line([(x - 0.22, -0.15), (x - 0.05, -0.22)], "#ffffff", 0.04)
    P.line([(-0.95 + 1.9 * i / 20, -0.3 + 0.06 * ((-1 + 2 * i / 20) ** 2)) for i in range(21)], INK, 0.09)
    P.line([(-0.93, -0.22), (-1.0, -0.12)], INK, 0.06)
    P.line([(0.93, -0.22), (1.0, -0.12)], INK, 0.06)
    P.line([(-0.08, -0.22), (0.08, -0.22)], c["main"], 0.05)
    P.ell(-0.09, 0.12, 0.04, 0.08, "#c9ced6")
    P.ell(0.09, 0.12, 0.04, 0.08, "#c9ced6")


def o_handlebar_bag(P, c, t):
    green = "#2f5d50"
    P.line([(-1.0, -0.42), (1.0, -0.42)], "#4a4f57", 0.1)
    P.rect(-1.0, -0.49, -0.78, -0.35, INK, r=0.05)
    P.rect(0.78, -0.49, 1.0, -0.35, INK, r=0.05)
    P.rect(-0.08, -0.55, 0.08, -0.3, "#3a3f47", r=0.03)
    P.rect(-0.78, -0.34, 0.78, 0.48, green, r=0.4)
    for sx in (-1, 1):
        P.ell(sx * 0.68, 0.07, 0.13, 0.4, shade(green, -0.2))
        P.arc(sx * 0.68, 0.07, 0.07, 0.3, 90 - sx * 90 - 60, 90 - sx * 90 + 60, shade(green, 0.2), 0.025)
    P.line([(-0.6, 0.3), (0.6, 0.3)], "#dfe4e8", 0.05)
    for sx in (-1, 1):
        P.rect(sx * 0.36 - 0.06, -0.5, sx * 0.36 + 0.06, 0.2, "#1d2b27", r=0.03)
        P.rect(sx * 0.36 - 0.08, 0.05, sx * 0.36 + 0.08, 0.16, "#9aa5a0", r=0.02)


def o_strap(P, c, t):
    red = "#c8423a"
    pts = bez((-0.7, -0.75), (-1.0, 1.1), (1.0, 1.1), (0.7, -0.75), 80)
    P.line(pts, red, 0.17)
    for i in range(1, len(pts) - 2, 2):
        P.line([pts[i], pts[i + 1]], "#f7f1e8", 0.07, cap=False)
    for ex, ey in (pts[0], pts[-1]):
        P.rect(ex - 0.08, ey - 0.22, ex + 0.08, ey + 0.02, "#7a4a2e", r=0.03)
        P.arc(ex, ey - 0.3, 0.07, 0.07, 0, 360, "#9aa1ab", 0.03)


def o_cleaning(P, c, t):
    cloth = shade(c["accent"], 0.45)
    P.rect(0.0, -0.55, 0.95, 0.6, cloth, r=0.06)
    P.line([(0.05, 0.55), (0.9, -0.5)], shade(cloth, -0.08), 0.02, cap=False)
    P.rect(0.52, -0.48, 0.72, 0.86, "#2b2f36", r=0.08)
    P.line([(0.68, -0.35), (0.68, 0.3)], SILVER, 0.03)
    P.poly([(0.55, -0.48), (0.69, -0.48), (0.62, -0.66)], "#7c838d")
    P.rect(0.05, -0.05, 0.25, 0.9, WOOD, r=0.06)
    P.rect(0.04, -0.18, 0.26, -0.02, SILVER, r=0.02)
    P.poly([(0.05, -0.17), (0.25, -0.17), (0.33, -0.55), (-0.03, -0.55)], "#e8dcc7")
    for k in range(5):
        P.line([(0.08 + k * 0.04, -0.18), (0.0 + k * 0.075, -0.53)], "#cdbd9f", 0.012, cap=False)
    P.rect(-0.57, -0.42, -0.43, -0.12, INK, r=0.03)
    P.poly([(-0.54, -0.42), (-0.46, -0.42), (-0.48, -0.78), (-0.52, -0.78)], INK)
    P.ell(-0.5, 0.38, 0.36, 0.52, "#d84a3a")
    P.ell(-0.62, 0.22, 0.08, 0.16, "#ec7b6d")


def o_nd_filter(P, c, t):
    P.circle(0, 0.05, 0.9, "#26292f")
    for k in range(90):
        a = 2 * math.pi * k / 90
        P.line([(0.84 * math.cos(a), 0.05 + 0.84 * math.sin(a)),
                (0.9 * math.cos(a), 0.05 + 0.9 * math.sin(a))], "#454a53", 0.012, cap=False)
    P.circle(0, 0.05, 0.8, "#3a3e46")
    P.circle(0, 0.05, 0.71, "#48505e")
    g = P.sub()
    for k in range(6):
        g.circle(-0.12 + k * 0.03, -0.05 + k * 0.03, 0.55 - k * 0.08, rgba("#8ea3bf", 40))
    g.arc(0, 0.05, 0.6, 0.6, 200, 260, rgba("#ffffff", 150), 0.05)
    P.merge(g)
    for k in range(7):
        a = math.radians(205 + k * 21)
        P.circle(0.755 * math.cos(a), 0.05 + 0.755 * math.sin(a), 0.012 + k * 0.005, c["warm"])


def canister(P, x, k, body, stripe, leader=False):
    if leader:
        P.rect(x + 0.2 * k, 0.05, x + 0.62 * k, 0.45, "#5a3b22", r=0.02)
        for j in range(4):
            xx = x + (0.3 + j * 0.09) * k
            P.rect(xx, 0.08, xx + 0.04 * k, 0.12, "#caa57f")
            P.rect(xx, 0.38, xx + 0.04 * k, 0.42, "#caa57f")
    top = 0.95 - 1.4 * k
    P.rect(x - 0.1 * k, top - 0.18 * k, x + 0.1 * k, top, "#26282c", r=0.03)
    P.rect(x - 0.3 * k, top, x + 0.3 * k, top + 0.14 * k, "#26282c", r=0.04)
    P.rect(x - 0.28 * k, top + 0.12 * k, x + 0.28 * k, 0.86, body, r=0.03)
    P.rect(x - 0.28 * k, top + 0.6 * k, x + 0.28 * k, top + 0.85 * k, stripe)
    P.rect(x - 0.3 * k, 0.84, x + 0.3 * k, 0.95, "#26282c", r=0.03)
    P.line([(x + 0.17 * k, top + 0.2 * k), (x + 0.17 * k, top + 0.5 * k)], shade(body, 0.5), 0.04 * k)


def o_film(P, c, t):
    canister(P, -0.58, 0.85, "#f2c14e", "#d64933")
    canister(P, 0.58, 0.85, "#3e7cb1", "#f2c14e", leader=False)
    canister(P, 0.0, 1.0, "#ef8354", "#2d3142", leader=True)


def o_tripod(P, c, t):
    apex = (0, -0.34)
    for foot, sec in (((0.1, 0.86), 0.8), ((-0.72, 0.95), 1.0), ((0.72, 0.95), 1.0)):
        pts = [(apex[0] + (foot[0] - apex[0]) * u, apex[1] + (foot[1] - apex[1]) * u) for u in (0, 0.42, 0.74, 1.0)]
        for i, wd in enumerate((0.085, 0.066, 0.05)):
            P.line([pts[i], pts[i + 1]], "#2b2e35" if i == 0 else "#3d424b", wd * sec)
        for i in (1, 2):
            P.rect(pts[i][0] - 0.05, pts[i][1] - 0.03, pts[i][0] + 0.05, pts[i][1] + 0.03, "#1b1d22", r=0.02)
        P.circle(foot[0], foot[1], 0.035, "#111111")
    P.rect(-0.05, -0.56, 0.05, -0.3, SILVER)
    P.rect(-0.19, -0.42, 0.19, -0.27, "#2a2d33", r=0.05)
    P.circle(0, -0.64, 0.12, SILVER)
    P.circle(0.14, -0.62, 0.05, "#2a2d33")
    P.rect(-0.26, -0.84, 0.26, -0.74, "#2a2d33", r=0.03)
    if "camera" in t:
        P.rect(-0.34, -1.05, 0.34, -0.82, INK, r=0.04)
        P.circle(0, -0.94, 0.09, "#3a4b63")


def o_insert(P, c, t):
    P.rect(-0.95, -0.72, 0.95, 0.78, "#8d949c", r=0.18)
    for k in range(24):
        xx = -0.82 + k * 0.072
        P.line([(xx, -0.66), (xx + 0.035, -0.66)], "#c2c7cd", 0.015, cap=False)
    P.rect(-0.82, -0.58, 0.82, 0.64, "#3b4048", r=0.1)
    P.rect(-0.22, -0.58, -0.12, 0.64, "#8d949c", r=0.03)
    P.rect(0.36, -0.58, 0.46, 0.64, "#8d949c", r=0.03)
    P.rect(-0.72, -0.35, -0.3, 0.0, INK, r=0.04)
    P.rect(-0.62, 0.0, -0.4, 0.4, "#30333a", r=0.03)
    for yy in (0.12, 0.24, 0.36):
        P.line([(-0.62, yy), (-0.4, yy)], "#50555e", 0.015, cap=False)
    P.circle(-0.42, -0.25, 0.05, SILVER)
    P.circle(-0.6, -0.25, 0.04, SILVER)
    P.circle(0.12, 0.0, 0.2, INK)
    P.circle(0.12, 0.0, 0.15, "#50555e")
    P.circle(0.12, 0.0, 0.09, "#364a66")
    P.rect(0.55, -0.3, 0.72, 0.05, "#50555e", r=0.03)
    P.rect(0.55, 0.15, 0.72, 0.45, "#50555e", r=0.03)


def shutter_button(P, x, y, k, col):
    P.rect(x - 0.07 * k, y, x + 0.07 * k, y + 0.36 * k, "#b9bec6")
    for j in range(4):
        P.line([(x - 0.07 * k, y + (0.08 + j * 0.08) * k), (x + 0.07 * k, y + (0.05 + j * 0.08) * k)],
               "#8d939c", 0.015 * k, cap=False)
    P.rect(x - 0.3 * k, y - 0.12 * k, x + 0.3 * k, y + 0.04 * k, shade(col, -0.2), r=0.05 * k)
    P.ell(x, y - 0.12 * k, 0.3 * k, 0.1 * k, col)
    P.ell(x, y - 0.12 * k, 0.19 * k, 0.055 * k, shade(col, -0.12))


def o_shutter(P, c, t):
    shutter_button(P, 0.0, -0.35, 1.15, c["accent"] if c["accent"] != "#ef8354" else "#3e7cb1")
    shutter_button(P, -0.5, 0.35, 1.2, "#d64933")
    shutter_button(P, 0.52, 0.42, 1.1, "#f2c14e")


def o_kettle(P, c, t):
    body, edge = "#f4f2ee", "#d3ccc3"
    P.line(bez((-0.42, -0.32), (-1.05, -0.45), (-1.05, 0.6), (-0.52, 0.55)), WOOD, 0.11)
    path = bez((0.4, 0.62), (0.98, 0.6), (0.62, -0.36), (0.98, -0.52), 50)
    for i, (x, y) in enumerate(path):
        P.circle(x, y, 0.075 - 0.04 * i / len(path) + 0.018, edge)
    for i, (x, y) in enumerate(path):
        P.circle(x, y, 0.075 - 0.04 * i / len(path), body)
    P.line([path[-1], (1.05, -0.47)], body, 0.05)
    P.blob([(-0.44, -0.42), (0.34, -0.42), (0.56, 0.88), (-0.64, 0.88)], edge, 0.08)
    P.blob([(-0.42, -0.4), (0.32, -0.4), (0.53, 0.86), (-0.61, 0.86)], body, 0.07)
    P.ell(-0.05, -0.44, 0.42, 0.08, "#e4dfd8", outline=edge, w=0.015)
    P.circle(-0.05, -0.56, 0.08, WOOD)
    P.rect(-0.66, 0.78, 0.58, 0.93, edge, r=0.05)
    P.line([(0.2, -0.25), (0.33, 0.65)], "#ffffff", 0.05)


def o_grinder(P, c, t):
    P.rect(-0.32, -0.35, 0.32, 0.93, SILVER, r=0.08)
    for k in range(11):
        xx = -0.27 + k * 0.054
        P.line([(xx, 0.12), (xx, 0.55)], "#9aa1ab", 0.018, cap=False)
    P.rect(-0.33, -0.36, 0.33, -0.24, "#a9b0b9", r=0.03)
    P.rect(-0.33, 0.6, 0.33, 0.7, "#a9b0b9", r=0.03)
    P.rect(-0.33, 0.85, 0.33, 0.94, WOOD, r=0.03)
    P.line([(-0.18, -0.15), (-0.18, 0.02)], "#ffffff", 0.04)
    P.ell(0, -0.36, 0.32, 0.07, "#b3b9c2")
    P.rect(-0.04, -0.56, 0.04, -0.36, "#8c939c")
    P.line([(0, -0.57), (0.76, -0.64)], "#3a3f47", 0.07)
    P.circle(0, -0.58, 0.07, "#2a2d33")
    P.rect(0.67, -0.95, 0.85, -0.62, WOOD, r=0.08)


def bean(P, x, y, k, ang, col):
    P.oval(x, y, 0.07 * k, 0.05 * k, ang, col)
    a = math.radians(ang)
    P.line([(x - 0.05 * k * math.cos(a), y - 0.05 * k * math.sin(a)),
            (x + 0.05 * k * math.cos(a), y + 0.05 * k * math.sin(a))], shade(col, -0.35), 0.012 * k, cap=False)


def o_beans_bag(P, c, t):
    kraft = has(t, "yunnan", "kraft")
    bagc = "#c9a27a" if kraft else "#f7f5f1"
    edge = shade(bagc, -0.15)
    P.blob([(-0.55, -0.72), (0.55, -0.72), (0.62, 0.92), (-0.62, 0.92)], bagc, 0.04)
    P.line([(-0.5, -0.66), (-0.58, 0.9)], edge, 0.015, cap=False)
    P.line([(0.5, -0.66), (0.58, 0.9)], edge, 0.015, cap=False)
    P.rect(-0.58, -0.9, 0.58, -0.7, shade(bagc, -0.08), r=0.02)
    for k in range(15):
        xx = -0.54 + k * 0.077
        P.line([(xx, -0.88), (xx, -0.72)], edge, 0.012, cap=False)
    P.circle(0, -0.5, 0.07, shade(bagc, 0.3), outline=edge, w=0.015)
    lab = c["accent"] if not kraft else "#f4efe6"
    P.rect(-0.38, -0.22, 0.38, 0.55, lab, r=0.05)
    mc = "#ffffff" if not kraft else c["main"]
    P.poly([(-0.26, 0.2), (-0.06, -0.08), (0.08, 0.1), (0.16, 0.0), (0.28, 0.2)], mc)
    P.line([(-0.24, 0.33), (0.24, 0.33)], mc, 0.03)
    P.line([(-0.16, 0.43), (0.16, 0.43)], mc, 0.03)
    rnd = random.Random(11 if kraft else 7)
    for _ in range(16):
        bean(P, rnd.uniform(-0.9, 0.9), rnd.uniform(0.8, 0.95), 1.0, rnd.uniform(0, 180),
             "#6b3f26" if kraft else "#9a6a44")


def o_bean_pile(P, c, t):
    rnd = random.Random(5)
    col = "#9a6a44" if has(t, "light") else "#6b3f26"
    for i in range(70):
        yy = rnd.uniform(0.2, 0.92)
        half = (yy - 0.1) * 1.0
        bean(P, rnd.uniform(-half, half), yy, 1.6, rnd.uniform(0, 180), shade(col, rnd.uniform(-0.15, 0.1)))


def cup(P, x, k, c, t):
    if has(t, "cold brew", "glass of"):
        g = P.sub()
        g.rect(x - 0.36 * k, 0.95 - 1.2 * k, x + 0.36 * k, 0.95, rgba("#e9f3f8", 170), r=0.06 * k)
        P.merge(g)
        liquid = "#5a3320" if "cold brew" in t else "#dff0fa"
        P.rect(x - 0.32 * k, 0.95 - 0.85 * k, x + 0.32 * k, 0.92, liquid, r=0.05 * k)
        if "cold brew" in t:
            for j, (dx, dy) in enumerate(((-0.12, -0.7), (0.1, -0.55), (-0.05, -0.45))):
                P.rect(x + (dx - 0.09) * k, 0.95 + (dy - 0.09) * k, x + (dx + 0.09) * k, 0.95 + (dy + 0.09) * k,
                       rgba("#f4fbff", 255), r=0.03 * k)
        P.line([(x + 0.22 * k, 0.95 - 1.05 * k), (x + 0.22 * k, 0.8)], "#ffffff", 0.04 * k)
        return
    cupc = "#ffffff" if not has(t, "mug") else c["main"]
    P.ell(x, 0.9, 0.62 * k, 0.1 * k, "#f1ece4", outline="#d8d0c4", w=0.015)
    P.arc(x + 0.4 * k, 0.55, 0.14 * k, 0.14 * k, -90, 90, cupc, 0.07 * k)
    P.arc(x + 0.4 * k, 0.55, 0.14 * k, 0.14 * k, -90, 90, "#d8d0c4", 0.02 * k, cap=False)
    P.blob([(x - 0.42 * k, 0.9 - 0.62 * k), (x + 0.42 * k, 0.9 - 0.62 * k), (x + 0.3 * k, 0.86), (x - 0.3 * k, 0.86)],
           cupc, 0.04 * k)
    top = 0.9 - 0.62 * k
    P.ell(x, top, 0.44 * k, 0.1 * k, "#e9e3da")
    latte = has(t, "latte", "flat white", "foam", "milk")
    P.ell(x, top + 0.01, 0.38 * k, 0.075 * k, "#a8683f" if latte else "#4a2a1a")
    if latte:
        P.ell(x - 0.06 * k, top + 0.01, 0.12 * k, 0.045 * k, "#f7ecdd")
        P.ell(x + 0.06 * k, top + 0.01, 0.12 * k, 0.045 * k, "#f7ecdd")
        P.poly([(x - 0.17 * k, top + 0.02), (x + 0.17 * k, top + 0.02), (x, top + 0.07 * k)], "#f7ecdd")
    g = P.sub()
    for j in (-1, 1):
        g.line(bez((x + j * 0.12 * k, top - 0.12 * k), (x + j * 0.25 * k, top - 0.3 * k),
                   (x - j * 0.05 * k, top - 0.4 * k), (x + j * 0.1 * k, top - 0.6 * k), 20),
               rgba("#ffffff", 150), 0.035 * k)
    P.merge(g)


def o_cup(P, c, t):
    cup(P, 0, 1.3, c, t)


def o_dripper(P, c, t):
    if "scale" not in t:
        cup(P, 0, 0.95, c, "mug")
        base = 0.28
    else:
        base = 0.85
    P.ell(0, base, 0.62, 0.09, "#f7f4ef", outline="#d7d0c6", w=0.015)
    top = base - 0.9
    P.poly([(-0.72, top), (0.72, top), (0.22, base - 0.05), (-0.22, base - 0.05)], "#fbfaf7",
           outline="#d7d0c6", w=0.015)
    for x in (-0.42, -0.14, 0.14, 0.42):
        P.line([(x, top + 0.12), (x * 0.35, base - 0.12)], "#e4ded4", 0.02, cap=False)
    P.arc(0.82, top + 0.28, 0.15, 0.15, 0, 360, "#fbfaf7", 0.07)
    P.ell(0, top, 0.72, 0.12, "#f1ede6", outline="#d7d0c6", w=0.015)
    P.ell(0, top + 0.01, 0.6, 0.08, "#6b4430")
    P.ell(-0.1, top, 0.2, 0.035, "#8d5f43")


def o_frother(P, c, t):
    cup(P, 0.38, 0.85, c, "latte")
    x = -0.45
    P.rect(x - 0.025, -0.22, x + 0.025, 0.6, SILVER)
    P.arc(x, 0.68, 0.12, 0.12, 0, 360, SILVER, 0.035)
    P.arc(x, 0.68, 0.06, 0.06, 0, 360, SILVER, 0.02)
    P.rect(x - 0.14, -0.98, x + 0.14, -0.18, "#24272d", r=0.13)
    P.ell(x, -0.62, 0.06, 0.09, c["accent"])
    P.line([(x - 0.07, -0.9), (x - 0.07, -0.3)], "#3d424b", 0.03)


def o_scale(P, c, t):
    P.rect(-0.94, 0.45, 0.94, 0.72, "#1c1f24", r=0.08)
    P.poly([(-0.8, -0.05), (0.8, -0.05), (0.96, 0.5), (-0.96, 0.5)], "#2b2f36")
    P.poly([(-0.68, 0.02), (0.68, 0.02), (0.8, 0.43), (-0.8, 0.43)], "#363b44")
    P.rect(-0.38, 0.5, 0.38, 0.67, "#0d1013", r=0.03)
    for k in range(4):
        x0 = -0.3 + k * 0.16
        P.line([(x0, 0.53), (x0 + 0.09, 0.53)], "#7fe3ff", 0.02, cap=False)
        P.line([(x0, 0.64), (x0 + 0.09, 0.64)], "#7fe3ff", 0.02, cap=False)
        P.line([(x0, 0.53), (x0, 0.64)], "#7fe3ff", 0.02, cap=False)
        P.line([(x0 + 0.09, 0.53), (x0 + 0.09, 0.64)], "#7fe3ff", 0.02, cap=False)
    P.circle(-0.64, 0.585, 0.05, "#555b66")
    P.circle(0.64, 0.585, 0.05, "#555b66")


def o_bike(P, c, t):
    R, F, BB = (-0.56, 0.5), (0.6, 0.5), (-0.02, 0.5)
    S, H, Hb = (-0.22, -0.22), (0.44, -0.22), (0.48, -0.04)
    lit = "lit" in t
    if lit:
        g = P.sub()
        g.poly([(0.66, -0.3), (0.66, -0.2), (2.2, 0.95), (1.3, 0.95)], rgba("#fff1b8", 120))
        P.merge(g, blur=0.05)
    for hx, hy in (R, F):
        P.arc(hx, hy, 0.42, 0.42, 0, 360, INK, 0.07, n=72)
        P.arc(hx, hy, 0.36, 0.36, 0, 360, "#9aa1ab", 0.025, n=72)
        for k in range(12):
            a = math.pi * k / 6
            P.line([(hx, hy), (hx + 0.35 * math.cos(a), hy + 0.35 * math.sin(a))], "#b7bdc5", 0.008, cap=False)
        P.circle(hx, hy, 0.04, "#555b66")
    frame = c["main"]
    P.line([R, (BB[0], BB[1] - 0.01)], frame, 0.055)
    P.line([R, S], frame, 0.05)
    P.line([BB, S], frame, 0.07)
    P.line([S, H], frame, 0.065)
    P.line([BB, Hb], frame, 0.075)
    P.line([H, Hb], frame, 0.08)
    P.line([Hb, F], "#3d424b", 0.05)
    P.line([S, (-0.26, -0.38)], "#3d424b", 0.04)
    P.blob([(-0.42, -0.42), (-0.1, -0.45), (-0.1, -0.39), (-0.38, -0.37)], INK, 0.02)
    P.line([H, (0.56, -0.34)], "#3d424b", 0.045)
    P.line(bez((0.56, -0.34), (0.76, -0.36), (0.78, -0.2), (0.66, -0.12), 16), INK, 0.045)
    P.arc(BB[0], BB[1], 0.11, 0.11, 0, 360, "#3d424b", 0.03)
    P.line([(BB[0], BB[1] - 0.11), (R[0], R[1] - 0.05)], "#6b727d", 0.015, cap=False)
    P.line([(BB[0], BB[1] + 0.11), (R[0], R[1] + 0.05)], "#6b727d", 0.015, cap=False)
    P.line([BB, (0.08, 0.66)], "#3d424b", 0.035)
    P.rect(0.03, 0.64, 0.15, 0.69, INK, r=0.02)
    if lit:
        P.rect(0.5, -0.33, 0.67, -0.23, "#3b4049", r=0.04)
        P.ell(0.67, -0.28, 0.025, 0.05, "#fff6d2")


def o_bike_lit(P, c, t):
    o_bike(P, c, t + " lit")


def o_camera(P, c, t):
    P.rect(-0.82, -0.38, 0.82, 0.55, "#26282d", r=0.1)
    for k in range(22):
        P.line([(-0.78 + k * 0.074, -0.1), (-0.78 + k * 0.074, 0.5)], "#2e3036", 0.02, cap=False)
    P.rect(-0.82, -0.5, 0.82, -0.18, SILVER, r=0.08)
    P.poly([(-0.24, -0.5), (0.24, -0.5), (0.17, -0.66), (-0.17, -0.66)], "#2e3036")
    P.rect(0.45, -0.6, 0.62, -0.5, SILVER, r=0.03)
    P.rect(-0.62, -0.58, -0.38, -0.5, "#9aa1ab", r=0.03)
    P.rect(-0.7, -0.42, -0.48, -0.26, "#dde3ea", r=0.02)
    P.circle(0, 0.12, 0.44, "#1b1d21")
    P.circle(0, 0.12, 0.36, SILVER)
    P.circle(0, 0.12, 0.29, "#1b1d21")
    P.circle(0, 0.12, 0.2, "#334a66")
    P.circle(-0.06, 0.06, 0.06, "#8ea6c3")
    P.circle(0.07, 0.18, 0.025, "#c9d6e6")
    P.rect(-0.9, -0.32, -0.82, -0.2, SILVER, r=0.02)
    P.rect(0.82, -0.32, 0.9, -0.2, SILVER, r=0.02)


def o_baby(P, c, t):
    skin = SKIN[0]
    wrap = c["main"]
    P.ell(0.18, 0.5, 0.7, 0.34, wrap)
    P.line([(-0.18, 0.22), (0.42, 0.82)], shade(wrap, 0.35), 0.035)
    P.line([(0.2, 0.18), (0.75, 0.65)], shade(wrap, 0.35), 0.035)
    P.circle(-0.5, 0.45, 0.34, skin)
    P.pie(-0.5, 0.45, 0.36, 0.36, 180, 330, c["accent"])
    P.arc(-0.6, 0.5, 0.05, 0.03, 20, 160, INK, 0.018)
    P.arc(-0.38, 0.5, 0.05, 0.03, 20, 160, INK, 0.018)
    P.ell(-0.66, 0.6, 0.06, 0.035, "#f4a9a0")
    P.ell(-0.3, 0.6, 0.06, 0.035, "#f4a9a0")
    P.arc(-0.49, 0.64, 0.04, 0.025, 20, 160, "#c97b70", 0.016)


def o_stroller(P, c, t):
    col = c["accent"]
    P.line([(0.35, 0.1), (0.8, -0.55)], INK, 0.05)
    P.line([(0.8, -0.55), (0.95, -0.55)], INK, 0.06)
    P.line([(-0.3, 0.35), (-0.5, 0.8)], INK, 0.04)
    P.line([(0.3, 0.35), (0.45, 0.8)], INK, 0.04)
    P.pie(0, 0.0, 0.62, 0.45, 0, 180, col)
    P.pie(-0.05, 0.0, 0.58, 0.62, 180, 270, shade(col, -0.15))
    for k in range(3):
        P.arc(-0.05, 0.0, 0.58 - k * 0.17, 0.62 - k * 0.18, 180, 270, shade(col, 0.25), 0.02, cap=False)
    P.rect(-0.62, -0.03, 0.62, 0.05, shade(col, -0.25), r=0.03)
    for x in (-0.5, 0.45):
        P.arc(x, 0.8, 0.14, 0.14, 0, 360, INK, 0.05)
        P.circle(x, 0.8, 0.03, SILVER)


def o_plant(P, c, t):
    leaf = "#4f8a5b"
    rnd = random.Random(2)
    for k in range(9):
        a = -150 + k * 15 + rnd.uniform(-5, 5)
        L = rnd.uniform(0.5, 0.85)
        ex, ey = L * math.cos(math.radians(a)), 0.2 + L * math.sin(math.radians(a))
        P.line([(0, 0.2), (ex, ey)], shade(leaf, -0.2), 0.02)
        P.oval(ex, ey, 0.16, 0.08, a, shade(leaf, rnd.uniform(-0.1, 0.2)))
    if has(t, "flower"):
        for k in range(5):
            fx, fy = rnd.uniform(-0.5, 0.5), rnd.uniform(-0.55, -0.1)
            for j in range(5):
                a = 2 * math.pi * j / 5
                P.circle(fx + 0.06 * math.cos(a), fy + 0.06 * math.sin(a), 0.05, "#f4a7b9")
            P.circle(fx, fy, 0.035, "#f7d488")
    P.blob([(-0.32, 0.3), (0.32, 0.3), (0.24, 0.92), (-0.24, 0.92)], c["main"], 0.03)
    P.rect(-0.36, 0.26, 0.36, 0.38, shade(c["main"], -0.15), r=0.03)


def o_duffel(P, c, t):
    col = c["accent"]
    P.arc(0, -0.1, 0.35, 0.35, 180, 360, INK, 0.06)
    P.rect(-0.88, -0.15, 0.88, 0.9, col, r=0.35)
    P.line([(-0.7, 0.0), (0.7, 0.0)], shade(col, -0.3), 0.03)
    P.rect(-0.5, 0.3, 0.5, 0.7, shade(col, 0.2), r=0.08)
    P.rect(-0.05, -0.12, 0.05, 0.05, SILVER, r=0.02)


def o_backpack(P, c, t):
    col = "#4b5b6b"
    P.arc(0, -0.7, 0.18, 0.15, 180, 360, INK, 0.05)
    P.rect(-0.58, -0.75, 0.58, 0.93, col, r=0.3)
    P.rect(-0.58, -0.75, 0.58, -0.1, shade(col, -0.15), r=0.3)
    P.rect(-0.4, 0.25, 0.4, 0.8, shade(col, 0.12), r=0.12)
    P.line([(-0.3, 0.38), (0.3, 0.38)], shade(col, -0.3), 0.02)
    P.rect(-0.06, -0.2, 0.06, -0.02, SILVER, r=0.02)


def o_glass_water(P, c, t):
    cup(P, 0, 0.9, c, "glass of water")


# Product art by English title (first match wins).
PRODUCT_ART = [
    ("carrier", o_carrier), ("bottle warmer", o_warmer), ("swaddle", o_swaddle),
    ("baby bottle", o_baby_bottle), ("white noise", o_white_noise), ("pacifier", o_pacifier),
    ("nail", o_nail_set), ("nursing pillow", o_nursing_pillow), ("gloves", o_gloves),
    ("bike light", o_bike_light), ("saddle bag", o_saddle_bag), ("helmet", o_helmet),
    ("water bottle", o_water_bottle), ("pump", o_pump), ("glasses", o_glasses),
    ("handlebar bag", o_handlebar_bag), ("strap", o_strap), ("cleaning", o_cleaning),
    ("filter", o_nd_filter), ("film", o_film), ("tripod", o_tripod), ("insert", o_insert),
    ("shutter", o_shutter), ("kettle", o_kettle), ("grinder", o_grinder), ("beans", o_beans_bag),
    ("dripper", o_dripper), ("frother", o_frother), ("scale", o_scale),
]

# Things named in alt texts. Longer phrases are matched first and hide the words inside
# them; a None drawer means "matched, draw nothing".
ALT_OBJECTS = [
    ("swaddled baby", o_baby), ("wrapped in a swaddle", None), ("baby carrier", o_carrier),
    ("carrier", o_carrier), ("bottle warmer", o_warmer), ("baby bottle", o_baby_bottle),
    ("swaddle", o_swaddle), ("white noise", o_white_noise), ("pacifier", o_pacifier),
    ("nail care", o_nail_set), ("nursing pillow", o_nursing_pillow), ("stroller", o_stroller),
    ("hospital bag", o_duffel), ("glass of water", o_glass_water), ("baby", o_baby),
    ("gloves", o_gloves), ("bike light", o_bike_lit), ("saddle bag", o_saddle_bag),
    ("helmet", o_helmet), ("water bottle", o_water_bottle), ("pump", o_pump),
    ("glasses", o_glasses), ("handlebar bag", o_handlebar_bag), ("bikes", o_bike), ("bike", o_bike),
    ("shutter button", o_shutter), ("strap", o_strap), ("cleaning kit", o_cleaning),
    ("nd filter", o_nd_filter), ("film rolls", o_film), ("film canisters", o_film),
    ("tripod", o_tripod), ("camera insert", o_insert), ("backpack", o_backpack),
    ("film camera", o_camera), ("camera", o_camera),
    ("gooseneck kettle", o_kettle), ("kettle", o_kettle), ("coffee grinder", o_grinder),
    ("grinder", o_grinder), ("bag of coffee beans", o_beans_bag), ("bag of beans", o_beans_bag),
    ("beans", o_bean_pile), ("dripper", o_dripper), ("frother", o_frother), ("scale", o_scale),
    ("cold brew", o_cup), ("latte", o_cup), ("flat white", o_cup), ("five cups", o_cup),
    ("cup", o_cup), ("plant", o_plant), ("flowers", o_plant),
]


# An alt-text drawer that already shows a product (a bike with its light on).
SHOWS = {o_bike_lit: o_bike_light}


def product_art(title):
    t = title.lower()
    for kw, fn in PRODUCT_ART:
        if kw in t:
            return fn
    return o_beans_bag


def alt_objects(text, limit=2):
    t = text.lower()
    taken = [False] * len(t)
    found = []
    for kw, fn in sorted(ALT_OBJECTS, key=lambda kv: -len(kv[0])):
        start = 0
        while True:
            i = t.find(kw, start)
            if i < 0:
                break
            start = i + 1
            if any(taken[i:i + len(kw)]):
                continue
            for j in range(i, i + len(kw)):
                taken[j] = True
            if fn is not None:
                found.append((i, fn))
    out = []
    for _, fn in sorted(found, key=lambda x: x[0]):
        if fn not in out:
            out.append(fn)
    return out[:limit]


# ---------------------------------------------------------------- scenes

class Slot:
    def __init__(self, x0, x1, base, s):
        self.x0, self.x1, self.base, self.s = x0, x1, base, s


def hills(cv, y, amp, col, rng, waves=3):
    W, H = cv.size
    d = ImageDraw.Draw(cv)
    ph = [rng.uniform(0, 6.28) for _ in range(waves)]
    fr = [rng.uniform(0.6, 1.6) * (k + 1) for k in range(waves)]
    pts = []
    for i in range(0, W + 8, 8):
        v = sum(math.sin(i / W * 6.28 * fr[k] / 2 + ph[k]) / (k + 1) for k in range(waves))
        pts.append((i, y - amp * v))
    d.polygon(pts + [(W, H), (0, H)], fill=rgb(col))


def sky(cv, tod, pal, rng, horizon):
    W, H = cv.size
    if tod == "night":
        stops = [(0, "#0c1430"), (1, "#2c3c6b")]
    elif tod == "dusk":
        stops = [(0, "#3d3b6e"), (0.55, "#d9728a"), (1, "#f6b26b")]
    elif tod == "dawn":
        stops = [(0, "#9bbad9"), (0.6, "#f8d3b0"), (1, "#fde9d2")]
    elif tod == "rain":
        stops = [(0, "#7d8894"), (1, "#c3cbd3")]
    else:
        stops = [(0, "#7fc1e6"), (1, "#e4f3fb")]
    h = max(1, int(horizon))
    cv.paste(vgrad((W, h), stops), (0, 0))
    d = ImageDraw.Draw(cv)
    if tod == "night":
        for _ in range(int(W * h / 9000)):
            x, y = rng.uniform(0, W), rng.uniform(0, h * 0.9)
            r = rng.choice((1, 1, 2, 3))
            d.ellipse([x - r, y - r, x + r, y + r], fill=(255, 255, 240))
        mx, my, mr = W * rng.uniform(0.65, 0.85), h * 0.25, min(W, H) * 0.05
        d.ellipse([mx - mr, my - mr, mx + mr, my + mr], fill=(250, 240, 210))
        d.ellipse([mx - mr * 0.55, my - mr * 1.1, mx + mr * 1.45, my + mr * 0.9], fill=rgb("#162043"))
    elif tod in ("dusk", "dawn"):
        g = Image.new("RGBA", cv.size, (0, 0, 0, 0))
        gd = ImageDraw.Draw(g)
        sx, sr = W * rng.uniform(0.3, 0.7), min(W, H) * 0.11
        gd.ellipse([sx - sr * 2.2, h - sr * 2.2, sx + sr * 2.2, h + sr * 2.2], fill=(255, 220, 160, 90))
        g = g.filter(ImageFilter.GaussianBlur(sr * 0.6))
        cv.alpha_composite(g)
        d.ellipse([sx - sr, h - sr * 1.2, sx + sr, h + sr * 0.8], fill=rgb("#ffe3a3" if tod == "dusk" else "#fff2cf"))
    elif tod == "day":
        for _ in range(3):
            x, y, r = rng.uniform(0, W), rng.uniform(h * 0.1, h * 0.6), min(W, H) * rng.uniform(0.03, 0.05)
            for dx, k in ((-1.2, 0.8), (0, 1.1), (1.2, 0.8)):
                d.ellipse([x + dx * r - r * k, y - r * k, x + dx * r + r * k, y + r * k * 0.8], fill=(255, 255, 255))


def tint(col, tod):
    if tod == "night":
        return mix(col, "#101a38", 0.7)
    if tod == "dusk":
        return mix(col, "#4a3560", 0.45)
    if tod == "rain":
        return mix(col, "#8a949e", 0.45)
    if tod == "dawn":
        return mix(col, "#f3c7a8", 0.2)
    return rgb(col)


def draw_buildings(cv, ground, tod, rng, tall=0.45):
    W, H = cv.size
    d = ImageDraw.Draw(cv)
    x = -rng.uniform(0, 60 * SS)
    cols = ["#c7b8a6", "#a7b4c2", "#d8cfc2", "#b9a99b", "#9fa9b5", "#e0d6c8"]
    while x < W:
        bw = rng.uniform(0.1, 0.22) * W
        bh = rng.uniform(0.15, tall) * H
        col = tint(rng.choice(cols), tod)
        d.rectangle([x, ground - bh, x + bw, ground], fill=col)
        lit = tod in ("night", "dusk")
        wc = (255, 214, 130) if lit else shade(col, 0.35)
        for wy in range(int(ground - bh + 14 * SS), int(ground - 18 * SS), int(26 * SS)):
            for wx in range(int(x + 10 * SS), int(x + bw - 16 * SS), int(22 * SS)):
                if not lit or rng.random() < 0.45:
                    d.rectangle([wx, wy, wx + 9 * SS, wy + 13 * SS], fill=wc if lit else shade(col, -0.15))
        x += bw + rng.uniform(0, 10 * SS)


def draw_alley(cv, tod, rng, wet):
    W, H = cv.size
    d = ImageDraw.Draw(cv)
    vx, vy = W * rng.uniform(0.42, 0.58), H * 0.5
    wall = tint("#d9cbb8", tod)
    d.polygon([(0, 0), (W * 0.3, 0), (vx - W * 0.06, vy - H * 0.05), (vx - W * 0.06, vy + H * 0.03), (0, H)],
              fill=wall)
    d.polygon([(W, 0), (W * 0.7, 0), (vx + W * 0.06, vy - H * 0.05), (vx + W * 0.06, vy + H * 0.03), (W, H)],
              fill=shade(wall, -0.12))
    ground = tint("#8f8a82", tod)
    d.polygon([(0, H), (vx - W * 0.06, vy + H * 0.03), (vx + W * 0.06, vy + H * 0.03), (W, H)], fill=ground)
    for k in range(1, 9):
        t = (k / 9) ** 1.8
        y = vy + H * 0.03 + (H - vy - H * 0.03) * t
        xl = (vx - W * 0.06) * (1 - t)
        xr = (vx + W * 0.06) + (W - vx - W * 0.06) * t
        d.line([(xl, y), (xr, y)], fill=shade(ground, -0.15), width=2 * SS)
    for side in (-1, 1):
        for k in range(3):
            t = 0.2 + k * 0.25
            x = W * (0.5 + side * 0.5) + (vx - W * (0.5 + side * 0.5)) * t
            y0 = H * 0.25 + (vy - H * 0.25) * t * 0.8
            hh = H * 0.18 * (1 - t * 0.8)
            ww = W * 0.08 * (1 - t * 0.8)
            d.rectangle([x - ww / 2, y0, x + ww / 2, y0 + hh], fill=(70, 55, 45) if tod != "night" else (255, 205, 120))
            lr = W * 0.025 * (1 - t * 0.7)
            ly = y0 - H * 0.06
            d.line([(x, ly - lr * 2), (x, ly - lr)], fill=(60, 50, 45), width=SS)
            d.ellipse([x - lr, ly - lr, x + lr, ly + lr * 1.2], fill=(214, 73, 51))
    if wet:
        g = Image.new("RGBA", cv.size, (0, 0, 0, 0))
        gd = ImageDraw.Draw(g)
        for _ in range(6):
            px, py = rng.uniform(W * 0.2, W * 0.8), rng.uniform(vy + H * 0.15, H * 0.95)
            pw = W * rng.uniform(0.08, 0.18) * (py / H)
            gd.ellipse([px - pw, py - pw * 0.18, px + pw, py + pw * 0.18], fill=(200, 215, 235, 110))
        cv.alpha_composite(g)
    return vy + H * 0.03


def draw_trees(cv, ground, tod, rng, autumn, n=6):
    W, H = cv.size
    d = ImageDraw.Draw(cv)
    greens = ["#5f9e64", "#4f8a5b", "#76b36f"] if not autumn else ["#f2b632", "#e9a23b", "#f5c84c", "#d9822b"]
    for _ in range(n):
        x = rng.uniform(0, W)
        y = ground + rng.uniform(-0.02, 0.03) * H
        h = rng.uniform(0.12, 0.22) * H
        tw = h * 0.08
        d.rectangle([x - tw / 2, y - h, x + tw / 2, y], fill=tint("#6d4c3d", tod))
        for _ in range(6):
            cx, cy = x + rng.uniform(-h * 0.3, h * 0.3), y - h + rng.uniform(-h * 0.25, h * 0.2)
            r = h * rng.uniform(0.2, 0.3)
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=tint(rng.choice(greens), tod))


def draw_mountains(cv, horizon, tod, rng, snow=True):
    W, H = cv.size
    d = ImageDraw.Draw(cv)
    x = -W * 0.1
    base = tint("#7d8fb3", tod)
    while x < W * 1.1:
        pw = W * rng.uniform(0.25, 0.45)
        ph = H * rng.uniform(0.18, 0.32)
        px = x + pw / 2
        d.polygon([(x, horizon), (px, horizon - ph), (x + pw, horizon)], fill=base)
        d.polygon([(px, horizon - ph), (x + pw, horizon), (px + pw * 0.08, horizon)], fill=shade(base, -0.12))
        if snow and tod != "night":
            d.polygon([(px, horizon - ph), (px - pw * 0.11, horizon - ph * 0.75), (px - pw * 0.03, horizon - ph * 0.8),
                       (px + pw * 0.03, horizon - ph * 0.72), (px + pw * 0.12, horizon - ph * 0.76)],
                      fill=mix("#ffffff", base, 0.15))
        x += pw * rng.uniform(0.5, 0.8)


def draw_road(cv, horizon, tod, rng, curve=0.0):
    W, H = cv.size
    d = ImageDraw.Draw(cv)
    vx = W * (0.5 + curve)
    road = tint("#5d6168", tod)
    n = 30
    left, right = [], []
    for i in range(n + 1):
        t = i / n
        y = horizon + (H - horizon) * t
        cx = vx + (W * 0.5 - vx) * t + math.sin(t * 3.1) * W * 0.06 * (1 if curve >= 0 else -1)
        half = W * 0.01 + W * 0.42 * t
        left.append((cx - half, y))
        right.append((cx + half, y))
    d.polygon(left + right[::-1], fill=road)
    d.line(left, fill=(230, 230, 225), width=3 * SS)
    d.line(right, fill=(230, 230, 225), width=3 * SS)
    for i in range(0, n, 3):
        a, b = left[i], right[i]
        c2, d2 = left[i + 1], right[i + 1]
        m1 = ((a[0] + b[0]) / 2, a[1])
        m2 = ((c2[0] + d2[0]) / 2, c2[1])
        d.line([m1, m2], fill=(250, 210, 90), width=max(2, int(2 * SS * (1 + i / 6))))
    return left, right


def outdoor(cv, text, community, pal, rng, with_slots=True):
    W, H = cv.size
    t = text.lower()
    tod = "day"
    if has(t, "night", "stars", "milky"):
        tod = "night"
    elif has(t, "sunset", "dusk", "golden"):
        tod = "dusk"
    elif has(t, "sunrise", "dawn", "early morning", "mist"):
        tod = "dawn"
    elif has(t, "rain"):
        tod = "rain"
    if has(t, "alley", "old street"):
        terrain = "alley"
    elif has(t, "mountain", "climb", "switchback", "summit", "peaks", "tea"):
        terrain = "mountain"
    elif has(t, "sea", "beach", "coast", "waves"):
        terrain = "sea"
    elif has(t, "lake", "river", "riverside"):
        terrain = "lake"
    elif has(t, "city", "street", "skyline", "bund"):
        terrain = "city"
    elif has(t, "park", "garden", "trees", "leaves", "autumn", "ginkgo", "flowers"):
        terrain = "park"
    elif has(t, "road", "path"):
        terrain = "road"
    else:
        terrain = {"cycling": "road", "photography": "city", "mothers": "park", "coffee": "city"}[community]
    horizon = H * (0.52 if H > W else 0.5)
    sky(cv, tod, pal, rng, horizon + 2)
    d = ImageDraw.Draw(cv)
    d.rectangle([0, horizon, cv.size[0], cv.size[1]], fill=tint("#7fb377", tod))
    ground_y = H * 0.93
    if terrain == "alley":
        draw_alley(cv, tod, rng, wet=has(t, "rain", "reflection"))
    elif terrain == "mountain":
        draw_mountains(cv, horizon, tod, rng)
        hills(cv, horizon + H * 0.06, H * 0.05, tint("#6fae72", tod), rng)
        if has(t, "cloud"):
            g = Image.new("RGBA", cv.size, (0, 0, 0, 0))
            gd = ImageDraw.Draw(g)
            for _ in range(40):
                x, y, r = rng.uniform(0, W), horizon + rng.uniform(-0.06, 0.05) * H, rng.uniform(0.04, 0.09) * W
                gd.ellipse([x - r, y - r * 0.5, x + r, y + r * 0.5], fill=(255, 255, 255, 200))
            cv.alpha_composite(g.filter(ImageFilter.GaussianBlur(4 * SS)))
        if has(t, "lake", "river", "water"):
            wt = horizon + H * 0.07
            cv.paste(vgrad((W, int(H * 0.16)), [(0, tint("#6aa6c8", tod)), (1, tint("#3a7ba0", tod))]), (0, int(wt)))
            d = ImageDraw.Draw(cv)
            for k in range(10):
                y = wt + 5 * SS + k * H * 0.014
                half = W * 0.03 * (1 + k * 0.4)
                d.line([(W * 0.5 - half, y), (W * 0.5 + half, y)],
                       fill=(255, 214, 150) if tod == "dusk" else (225, 238, 246), width=int(2 * SS))
            hills(cv, horizon + H * 0.26, H * 0.03, tint("#4f8a5b", tod), rng)
        else:
            hills(cv, horizon + H * 0.16, H * 0.06, tint("#4f8a5b", tod), rng)
        if not has(t, "tea", "switchback", "climb", "road", "winding"):
            draw_trees(cv, H * 0.86, tod, rng, has(t, "autumn"), n=3)
        if has(t, "tea"):
            for k in range(8):
                y = horizon + H * 0.2 + k * H * 0.035
                d.line([(0, y), (W, y + H * 0.02)], fill=tint("#3f7a4a", tod), width=int(6 * SS))
        if has(t, "switchback", "climb", "road", "winding"):
            pts, x, y = [], W * 0.3, H * 0.98
            for k in range(6):
                pts.append((x, y))
                x = W * (0.75 if k % 2 == 0 else 0.3)
                y -= H * 0.06 * (1 - k * 0.1)
            d.line(pts, fill=tint("#8b8f96", tod), width=int(14 * SS), joint="curve")
            d.line(pts, fill=tint("#c9c9c2", tod), width=int(2 * SS), joint="curve")
    elif terrain in ("sea", "lake"):
        if terrain == "lake":
            hills(cv, horizon + H * 0.02, H * 0.03, tint("#7f9fa5", tod), rng)
        water_top = horizon + (H * 0.05 if terrain == "lake" else 0)
        wh = int(H * 0.3)
        cv.paste(vgrad((W, wh), [(0, tint("#6aa6c8", tod)), (1, tint("#2f6f95", tod))]), (0, int(water_top)))
        d = ImageDraw.Draw(cv)
        smooth = has(t, "long exposure", "silk", "mist")
        for _ in range(0 if smooth else 40):
            x, y = rng.uniform(0, W), rng.uniform(water_top + 4, water_top + wh)
            L = rng.uniform(0.02, 0.08) * W
            d.line([(x, y), (x + L, y)], fill=tint("#cfe6f2", tod), width=int(2 * SS))
        if smooth:
            g = Image.new("RGBA", cv.size, (0, 0, 0, 0))
            gd = ImageDraw.Draw(g)
            gd.rectangle([0, water_top, W, water_top + wh * 0.6], fill=(240, 244, 248, 120))
            cv.alpha_composite(g.filter(ImageFilter.GaussianBlur(10 * SS)))
        if tod in ("dusk", "night"):
            for k in range(12):
                y = water_top + 6 * SS + k * wh / 14
                half = W * 0.02 * (1 + k * 0.3)
                d.line([(W * 0.5 - half, y), (W * 0.5 + half, y)],
                       fill=(255, 214, 150) if tod == "dusk" else (240, 230, 200), width=int(2 * SS))
        shore_y = water_top + wh
        if terrain == "sea":
            d.polygon([(0, shore_y - H * 0.02), (W, shore_y + H * 0.03), (W, H), (0, H)], fill=tint("#e8d3a9", tod))
            for _ in range(4):
                x, y, r = rng.uniform(0, W), rng.uniform(shore_y, H * 0.9), rng.uniform(0.04, 0.09) * W
                d.ellipse([x - r, y - r * 0.6, x + r, y + r * 0.5], fill=tint("#5b5f66", tod))
            d.line([(0, shore_y - H * 0.02), (W, shore_y + H * 0.03)], fill=(255, 255, 255), width=int(4 * SS))
        else:
            hills(cv, shore_y + H * 0.02, H * 0.01, tint("#7fae6e", tod), rng)
            if has(t, "road", "path", "ride", "bike"):
                d.polygon([(0, H * 0.9), (W, H * 0.83), (W, H * 0.9), (0, H * 0.97)], fill=tint("#6a6e75", tod))
                if tod == "night":
                    g = Image.new("RGBA", cv.size, (0, 0, 0, 0))
                    gd = ImageDraw.Draw(g)
                    gd.polygon([(W * 0.45, H * 0.91), (W * 1.0, H * 0.8), (W, H * 0.92), (W * 0.45, H * 0.93)],
                               fill=(255, 240, 180, 110))
                    cv.alpha_composite(g.filter(ImageFilter.GaussianBlur(6 * SS)))
    elif terrain == "city":
        ground = H * 0.72
        draw_buildings(cv, ground, tod, rng)
        d = ImageDraw.Draw(cv)
        d.rectangle([0, ground, W, H], fill=tint("#6b6f76", tod))
        d.rectangle([0, ground, W, ground + H * 0.04], fill=tint("#a9a49b", tod))
        for k in range(0, W, int(W / 6)):
            d.line([(k, H * 0.86), (k + W / 12, H * 0.86)], fill=(235, 235, 230), width=int(3 * SS))
        if has(t, "trees", "park"):
            draw_trees(cv, ground, tod, rng, has(t, "autumn"), n=3)
    elif terrain == "park":
        ground = H * 0.66
        hills(cv, ground - H * 0.02, H * 0.02, tint("#9ccc8a", tod), rng)
        autumn = has(t, "autumn", "ginkgo", "golden", "leaves")
        draw_trees(cv, ground, tod, rng, autumn, n=7)
        d = ImageDraw.Draw(cv)
        d.rectangle([0, ground + H * 0.03, W, H], fill=tint("#8cc47a", tod))
        d.polygon([(W * 0.45, ground + H * 0.03), (W * 0.55, ground + H * 0.03), (W * 0.85, H), (W * 0.2, H)],
                  fill=tint("#e6d6b8", tod))
        if autumn:
            for _ in range(60):
                x, y = rng.uniform(0, W), rng.uniform(ground + H * 0.04, H)
                r = rng.uniform(3, 7) * SS
                d.ellipse([x - r, y - r * 0.6, x + r, y + r * 0.6], fill=rgb(rng.choice(["#f2b632", "#e9a23b", "#f5c84c"])))
        if has(t, "flower"):
            for _ in range(50):
                x, y = rng.uniform(0, W), rng.uniform(ground + H * 0.05, H)
                r = rng.uniform(4, 8) * SS
                d.ellipse([x - r, y - r, x + r, y + r], fill=rgb(rng.choice(["#f4a7b9", "#f7d488", "#ffffff", "#e27d96"])))
        if has(t, "bench"):
            bx, by = W * 0.15, H * 0.8
            d.rectangle([bx, by, bx + W * 0.25, by + H * 0.02], fill=rgb(WOOD))
            d.rectangle([bx, by - H * 0.06, bx + W * 0.25, by - H * 0.045], fill=rgb(WOOD))
            for lx in (bx + W * 0.02, bx + W * 0.22):
                d.rectangle([lx, by, lx + W * 0.012, by + H * 0.06], fill=rgb(INK))
    else:  # road
        hills(cv, horizon, H * 0.04, tint("#8fbf8a", tod), rng)
        hills(cv, horizon + H * 0.05, H * 0.03, tint("#6fae72", tod), rng)
        draw_road(cv, horizon + H * 0.02, tod, rng, curve=rng.uniform(-0.08, 0.08))
        if tod == "night":
            g = Image.new("RGBA", cv.size, (0, 0, 0, 0))
            gd = ImageDraw.Draw(g)
            gd.polygon([(W * 0.5, H), (W * 0.3, horizon + H * 0.1), (W * 0.7, horizon + H * 0.1)], fill=(255, 240, 180, 90))
            cv.alpha_composite(g.filter(ImageFilter.GaussianBlur(8 * SS)))
    if tod == "rain":
        g = Image.new("RGBA", cv.size, (0, 0, 0, 0))
        gd = ImageDraw.Draw(g)
        for _ in range(int(W * H / 2500 / SS / SS)):
            x, y = rng.uniform(0, W), rng.uniform(0, H)
            gd.line([(x, y), (x - 6 * SS, y + 26 * SS)], fill=(235, 240, 245, 120), width=SS)
        cv.alpha_composite(g)
    s = min(W, H) * 0.3
    return [Slot(W * 0.12, W * 0.88, ground_y, s)]


def window_frame(cv, box, view_text, community, pal, rng, curtains=None):
    x0, y0, x1, y1 = [int(v) for v in box]
    view = Image.new("RGBA", (x1 - x0, y1 - y0))
    vt = view_text
    if not has(vt, "mountain", "city", "skyline", "street", "park", "trees", "sea", "lake", "alley", "garden"):
        vt += " park trees" if community == "mothers" else " city street"
    outdoor(view, vt, community, pal, random.Random(rng.random()))
    cv.paste(view, (x0, y0))
    d = ImageDraw.Draw(cv)
    fw = int(14 * SS)
    d.rectangle([x0, y0, x1, y1], outline=(250, 248, 244), width=fw)
    d.line([((x0 + x1) / 2, y0), ((x0 + x1) / 2, y1)], fill=(250, 248, 244), width=fw // 2)
    d.line([(x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2)], fill=(250, 248, 244), width=fw // 2)
    if curtains:
        cw = (x1 - x0) * 0.18
        d.polygon([(x0 - cw * 0.6, y0 - 10 * SS), (x0 + cw, y0 - 10 * SS), (x0 + cw * 0.3, y1 + 20 * SS),
                   (x0 - cw * 0.6, y1 + 20 * SS)], fill=rgb(curtains))
        d.polygon([(x1 + cw * 0.6, y0 - 10 * SS), (x1 - cw, y0 - 10 * SS), (x1 - cw * 0.3, y1 + 20 * SS),
                   (x1 + cw * 0.6, y1 + 20 * SS)], fill=rgb(curtains))


def table(cv, top, col, grain=True):
    W, H = cv.size
    d = ImageDraw.Draw(cv)
    d.rectangle([0, top, W, H], fill=rgb(col))
    d.rectangle([0, top, W, top + 6 * SS], fill=shade(col, 0.18))
    if grain:
        rnd = random.Random(int(top))
        for _ in range(14):
            y = rnd.uniform(top + 12 * SS, H)
            x = rnd.uniform(-W * 0.2, W)
            d.line([(x, y), (x + rnd.uniform(0.2, 0.6) * W, y + rnd.uniform(-4, 4) * SS)],
                   fill=shade(col, -0.08), width=int(2 * SS))


def interior(cv, text, community, pal, rng):
    W, H = cv.size
    t = text.lower()
    night = has(t, "night", "late")
    wall = pal["wall"]
    if night:
        wall = mix(wall, "#2a2f4f", 0.55)
    cv.paste(vgrad((W, H), [(0, shade(wall, 0.1)), (1, wall)]), (0, 0))
    d = ImageDraw.Draw(cv)
    s = min(W, H) * 0.26
    view = t + (" night" if night else "")
    if has(t, "window", "windowsill", "balcony", "cafe", "train"):
        wx0, wx1 = W * 0.12, W * 0.88
        wy0, wy1 = H * 0.08, H * (0.58 if H > W else 0.62)
        if has(t, "train"):
            d.rectangle([0, 0, W, H], fill=rgb("#d9dde2"))
            wx0, wy0, wx1, wy1 = W * 0.08, H * 0.12, W * 0.92, H * 0.62
        window_frame(cv, (wx0, wy0, wx1, wy1), view, community, pal, rng,
                     curtains=shade(pal["main"], 0.35) if community == "mothers" else None)
        top = wy1 + H * 0.06
        table(cv, top, "#b58360" if community == "coffee" else "#f1ece4", grain=community == "coffee")
        return [Slot(W * 0.1, W * 0.9, top + (H - top) * 0.55, s)]
    if has(t, "crib", "nursery"):
        floor = H * 0.78
        d.rectangle([0, floor, W, H], fill=rgb(pal["floor"]) if not night else mix(pal["floor"], "#1e2340", 0.5))
        for k in range(14):
            x = W * (k + 0.5) / 14
            y = H * 0.1 + math.sin(k / 13 * math.pi) * H * 0.05
            col = [pal["main"], pal["accent"], pal["warm"]][k % 3]
            d.polygon([(x - W * 0.025, y), (x + W * 0.025, y), (x, y + H * 0.045)], fill=rgb(col))
        d.line([(W * (0.5 / 14), H * 0.1)] + [(W * (k + 0.5) / 14, H * 0.1 + math.sin(k / 13 * math.pi) * H * 0.05)
                                              for k in range(14)], fill=(120, 110, 110), width=SS)
        if night:
            mx, my, mr = W * 0.8, H * 0.3, min(W, H) * 0.06
            d.ellipse([mx - mr, my - mr, mx + mr, my + mr], fill=(250, 236, 190))
            d.ellipse([mx - mr * 0.4, my - mr * 1.1, mx + mr * 1.5, my + mr * 0.8], fill=rgb(wall))
            for _ in range(12):
                x, y = rng.uniform(0, W), rng.uniform(H * 0.2, H * 0.6)
                Pen(cv, x, y, min(W, H) * 0.015).star(0, 0, 1, (250, 236, 190))
        if has(t, "crib"):
            half = min(W * 0.4, H * 0.65)
            cx0, cx1 = W / 2 - half, W / 2 + half
            ctop, cmat, cbot = H * 0.42, H * 0.66, H * 0.88
            wood = "#f5efe6"
            d.rectangle([cx0, ctop, cx1, cmat], fill=shade(wall, -0.06))
            d.rectangle([cx0 - W * 0.02, ctop - H * 0.05, cx0 + W * 0.02, cbot], fill=rgb(wood))
            d.rectangle([cx1 - W * 0.02, ctop - H * 0.05, cx1 + W * 0.02, cbot], fill=rgb(wood))
            d.rectangle([cx0, ctop, cx1, ctop + H * 0.02], fill=rgb(wood))
            for k in range(1, 12):
                x = cx0 + (cx1 - cx0) * k / 12
                d.rectangle([x - W * 0.007, ctop, x + W * 0.007, cmat], fill=rgb(wood))
            d.rectangle([cx0, cmat - H * 0.02, cx1, cmat + H * 0.03], fill=(255, 255, 255))
            mx = W * 0.5
            d.line([(mx, 0), (mx, H * 0.2)], fill=(150, 140, 140), width=SS * 2)
            d.line([(mx - W * 0.15, H * 0.2), (mx + W * 0.15, H * 0.2)], fill=(150, 140, 140), width=SS * 2)
            for k, dx in enumerate((-0.15, -0.05, 0.05, 0.15)):
                x = mx + W * dx
                d.line([(x, H * 0.2), (x, H * 0.26)], fill=(150, 140, 140), width=SS)
                Pen(cv, x, H * 0.28, min(W, H) * 0.025).star(0, 0, 1, [pal["main"], pal["warm"], pal["accent"], "#ffffff"][k])
            return [Slot(cx0 + W * 0.05, cx1 - W * 0.05, cmat, s * 0.85)], ("front", cx0, cx1, cmat, cbot, wood)
        dtop = H * 0.62
        d.rectangle([W * 0.18, dtop, W * 0.82, H * 0.9], fill=rgb("#fbf8f4"))
        for k in range(3):
            y = dtop + H * 0.02 + k * H * 0.09
            d.rectangle([W * 0.21, y, W * 0.79, y + H * 0.075], outline=shade(pal["floor"], -0.1), width=SS * 2)
            d.ellipse([W * 0.49, y + H * 0.03, W * 0.51, y + H * 0.045], fill=rgb(pal["dark"]))
        d.rectangle([W * 0.16, dtop - H * 0.015, W * 0.84, dtop + H * 0.01], fill=rgb("#efe7dd"))
        return [Slot(W * 0.2, W * 0.8, dtop, s)]
    if has(t, "sofa"):
        floor = H * 0.8
        d.rectangle([0, floor, W, H], fill=rgb(pal["floor"]))
        d.rectangle([W * 0.3, H * 0.12, W * 0.7, H * 0.32], fill=(250, 248, 244))
        d.polygon([(W * 0.33, H * 0.3), (W * 0.45, H * 0.18), (W * 0.55, H * 0.26), (W * 0.6, H * 0.21),
                   (W * 0.67, H * 0.3)], fill=rgb(pal["accent"]))
        sofa = shade(pal["accent"], -0.1) if community != "mothers" else "#9bb5c9"
        d.rounded_rectangle([W * 0.04, H * 0.42, W * 0.96, H * 0.72], radius=int(30 * SS), fill=rgb(sofa))
        d.rounded_rectangle([0, H * 0.55, W * 0.14, H * 0.86], radius=int(24 * SS), fill=shade(sofa, -0.1))
        d.rounded_rectangle([W * 0.86, H * 0.55, W, H * 0.86], radius=int(24 * SS), fill=shade(sofa, -0.1))
        d.rounded_rectangle([W * 0.12, H * 0.66, W * 0.88, H * 0.84], radius=int(20 * SS), fill=shade(sofa, 0.1))
        return [Slot(W * 0.16, W * 0.84, H * 0.72, s)]
    if has(t, "bed", "nightstand"):
        floor = H * 0.78
        d.rectangle([0, floor, W, H], fill=rgb(pal["floor"]))
        if has(t, "nightstand", "bedside"):
            d.rounded_rectangle([W * 0.55, H * 0.45, W * 1.1, H * 0.9], radius=int(20 * SS), fill=(252, 250, 247))
            d.rounded_rectangle([W * 0.6, H * 0.38, W * 0.9, H * 0.5], radius=int(20 * SS), fill=rgb(pal["main"]))
            d.rectangle([W * 0.08, H * 0.62, W * 0.5, H * 0.9], fill=rgb("#e9dccb"))
            d.rectangle([W * 0.1, H * 0.74, W * 0.48, H * 0.76], fill=shade("#e9dccb", -0.15))
            return [Slot(W * 0.1, W * 0.48, H * 0.62, s * 0.8)]
        d.rounded_rectangle([-W * 0.1, H * 0.5, W * 1.1, H * 0.95], radius=int(30 * SS), fill=(252, 250, 247))
        d.rounded_rectangle([W * 0.05, H * 0.42, W * 0.35, H * 0.55], radius=int(20 * SS), fill=rgb(pal["main"]))
        return [Slot(W * 0.1, W * 0.9, H * 0.82, s)]
    # table, desk, counter, kitchen, office (and anything else indoors)
    top = H * (0.6 if H > W else 0.58)
    if has(t, "kitchen", "counter"):
        for y in range(0, int(top), int(40 * SS)):
            d.line([(0, y), (W, y)], fill=shade(wall, -0.07), width=SS)
        for x in range(0, W, int(40 * SS)):
            d.line([(x, 0), (x, top)], fill=shade(wall, -0.07), width=SS)
        table(cv, top, "#e7e3dc", grain=False)
    elif has(t, "desk", "office"):
        d.rectangle([W * 0.55, H * 0.12, W * 0.95, H * 0.14], fill=rgb(WOOD))
        for k in range(5):
            d.rectangle([W * (0.57 + k * 0.05), H * 0.05, W * (0.6 + k * 0.05), H * 0.12],
                        fill=rgb([pal["main"], pal["accent"], pal["warm"], "#9fa9b5", "#c7b8a6"][k]))
        table(cv, top, "#d9d4cc" if community != "coffee" else "#c49a74", grain=community == "coffee")
    else:
        if community == "coffee" or has(t, "wooden"):
            table(cv, top, "#a8754f")
        else:
            table(cv, top, "#c9a888" if community != "photography" else "#8c7a6b")
    return [Slot(W * 0.08, W * 0.92, top + (H - top) * 0.6, s)]


def outdoor_hint(t):
    return has(t, "night", "stars", "sunset", "sunrise", "dawn", "dusk", "rain", "mountain", "hill", "sea",
               "beach", "coast", "lake", "river", "city", "street", "alley", "skyline", "bund", "park", "garden",
               "trees", "road", "path", "outside")


def is_interior(t):
    return has(t, "window", "balcony", "cafe", "train", "crib", "nursery", "sofa", "bed", "table", "desk",
               "counter", "kitchen", "office", "nightstand", "shelf", "packed", "tidy")


def studio(cv, pal, variant, rng):
    W, H = cv.size
    a, b = pal["bgs"][variant % len(pal["bgs"])]
    cv.paste(vgrad((W, H), [(0, a), (1, b)]), (0, 0))
    g = Image.new("RGBA", cv.size, (0, 0, 0, 0))
    gd = ImageDraw.Draw(g)
    if variant == 0:
        r = W * 0.42
        gd.ellipse([W / 2 - r, H * 0.47 - r, W / 2 + r, H * 0.47 + r], fill=rgba("#ffffff", 110))
    elif variant == 1:
        for _ in range(5):
            x, y, r = rng.uniform(0, W), rng.uniform(0, H * 0.6), rng.uniform(0.05, 0.16) * W
            gd.ellipse([x - r, y - r, x + r, y + r], fill=rgba(rng.choice([pal["main"], pal["warm"], "#ffffff"]), 70))
        gd.rectangle([0, H * 0.76, W, H], fill=rgba("#ffffff", 70))
    else:
        for k in range(-8, 12):
            x = k * W * 0.1
            gd.line([(x, 0), (x + W * 0.5, H)], fill=rgba("#ffffff", 45), width=int(W * 0.03))
    cv.alpha_composite(g.filter(ImageFilter.GaussianBlur(2 * SS)))


# ---------------------------------------------------------------- compositing

def place(cv, fns, slot, c, text, angle=0.0, zoom=1.0, offset=(0, 0), front=None):
    W, H = cv.size
    n = len(fns)
    for i, fn in enumerate(fns):
        span = (slot.x1 - slot.x0) / n
        cx = slot.x0 + span * (i + 0.5) + offset[0]
        s = min(slot.s * zoom * (1.0 if n == 1 else 0.8), span * 0.48 * zoom)
        base = slot.base + offset[1]
        cy = base - 0.95 * s
        layer = Pen(Image.new("RGBA", cv.size, (0, 0, 0, 0)), cx, cy, s)
        fn(layer, c, text)
        im = layer.img
        if angle:
            im = im.rotate(angle, resample=Image.BICUBIC, center=(cx, cy))
        box = im.getbbox()
        if box and zoom == 1.0:
            # stand the drawing on the ground line, whatever its own height
            dy = int(base - box[3])
            if dy:
                moved = Image.new("RGBA", cv.size, (0, 0, 0, 0))
                moved.paste(im, (0, dy))
                im = moved
            sx, rx = (box[0] + box[2]) / 2, (box[2] - box[0]) / 2
            sh = Image.new("RGBA", cv.size, (0, 0, 0, 0))
            ImageDraw.Draw(sh).ellipse([sx - rx * 0.95, base - s * 0.1, sx + rx * 0.95, base + s * 0.06],
                                       fill=(40, 30, 20, 70))
            cv.alpha_composite(sh.filter(ImageFilter.GaussianBlur(s * 0.05)))
        cv.alpha_composite(im)
    if front:
        _, cx0, cx1, cmat, cbot, wood = front
        d = ImageDraw.Draw(cv)
        lowtop = cmat + (cbot - cmat) * 0.2
        d.rectangle([cx0, lowtop, cx1, lowtop + H * 0.02], fill=rgb(wood))
        for k in range(1, 12):
            x = cx0 + (cx1 - cx0) * k / 12
            d.rectangle([x - W * 0.007, lowtop, x + W * 0.007, cbot], fill=rgb(wood))
        d.rectangle([cx0, cbot - H * 0.02, cx1, cbot], fill=rgb(wood))


def colours(pal):
    return dict(main=pal["main"], accent=pal["accent"], warm=pal["warm"], dark=pal["dark"])


def finish(cv, w, h):
    return cv.convert("RGB").resize((w, h), Image.LANCZOS)


def draw_gallery(product, n, alt, w, h):
    pal = PAL[product["community"]]
    rng = random.Random(f"g{product['id']}-{n}")
    cv = Image.new("RGBA", (w * SS, h * SS))
    W, H = cv.size
    variant = (n - 1) % 3
    studio(cv, pal, variant, rng)
    main = product_art(product["title_en"])
    text = (product["title_en"] + " " + alt).lower()
    extra = [f for f in alt_objects(alt) if f is not main and SHOWS.get(f) is not main]
    slot = Slot(W * 0.12, W * 0.88, H * 0.86, W * 0.36)
    if variant == 2 and not extra:
        place(cv, [main], slot, colours(pal), text, zoom=1.55, offset=(W * 0.1, H * 0.22))
    else:
        fns = [main] + extra[:1]
        place(cv, fns, slot, colours(pal), text, angle=-8 if variant == 1 and len(fns) == 1 else 0)
    return finish(cv, w, h)


def draw_scene(text, community, seed, w, h, must=None, scale=1.0, limit=2):
    pal = PAL[community]
    rng = random.Random(seed)
    cv = Image.new("RGBA", (w * SS, h * SS))
    t = text.lower()
    front = None
    if is_interior(t) or (community == "coffee" and not outdoor_hint(t)):
        res = interior(cv, t, community, pal, rng)
        if isinstance(res, tuple):
            slots, front = res
        else:
            slots = res
    else:
        slots = outdoor(cv, t, community, pal, rng)
    slots[0].s *= scale
    fns = alt_objects(text, limit)
    if must is not None and not any(f is must or SHOWS.get(f) is must for f in fns):
        fns = [must] + fns[:1]
    if not fns and has(t, "cafe", "seat by") and community == "coffee":
        fns = [o_cup]
    if fns:
        place(cv, fns, slots[0], colours(pal), t, front=front)
    elif front:
        place(cv, [], slots[0], colours(pal), t, front=front)
    return finish(cv, w, h)


def draw_avatar(member_id, w, h):
    rng = random.Random(f"avatar{member_id}")
    S = w * SS
    cv = Image.new("RGBA", (S, S))
    bg = rng.choice(["#f4a7a0", "#7fc4b0", "#f7d488", "#9bb5c9", "#c9a2d6", "#ffb38a", "#a8d5a2"])
    cv.paste(vgrad((S, S), [(0, shade(bg, 0.3)), (1, bg)]), (0, 0))
    P = Pen(cv, S / 2, S / 2, S / 2)
    skin = rng.choice(SKIN)
    hair = rng.choice(["#2b2222", "#4a3326", "#1d1d24", "#6b4a33"])
    style = member_id % 4
    if style in (1, 3):
        P.rect(-0.5, -0.2, 0.5, 0.7, hair, r=0.4)
    P.ell(0, 1.0, 0.75, 0.45, rng.choice(["#ffffff", "#2f5d50", "#e8453c", "#3e7cb1", "#f2c14e"]))
    P.rect(-0.12, 0.38, 0.12, 0.62, shade(skin, -0.08))
    P.circle(0, 0.0, 0.42, skin)
    if style == 0:
        P.pie(0, -0.02, 0.46, 0.46, 180, 360, hair)
        P.circle(0.1, -0.52, 0.18, hair)
    elif style == 1:
        P.pie(0, -0.02, 0.45, 0.45, 190, 350, hair)
    elif style == 2:
        P.pie(0, -0.05, 0.47, 0.47, 180, 360, "#ff7a3d")
        P.rect(-0.47, -0.12, 0.47, -0.04, "#22313f", r=0.03)
    else:
        P.pie(0, -0.02, 0.45, 0.45, 170, 370, hair)
    P.circle(-0.15, 0.02, 0.045, INK)
    P.circle(0.15, 0.02, 0.045, INK)
    P.ell(-0.25, 0.14, 0.07, 0.04, "#f4a9a0")
    P.ell(0.25, 0.14, 0.07, 0.04, "#f4a9a0")
    P.arc(0, 0.14, 0.1, 0.07, 20, 160, "#9a5a4a", 0.035)
    if rng.random() < 0.4:
        P.arc(-0.15, 0.02, 0.11, 0.11, 0, 360, INK, 0.025)
        P.arc(0.15, 0.02, 0.11, 0.11, 0, 360, INK, 0.025)
        P.line([(-0.04, 0.0), (0.04, 0.0)], INK, 0.025)
    return finish(cv, w, w)


def draw_icon(size):
    S = size * SS
    cv = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    P = Pen(cv, S / 2, S / 2, S / 2)
    P.rect(-1, -1, 1, 1, "#e8453c", r=0.44)
    P.arc(0, 0, 0.56, 0.56, 0, 360, "#ffffff", 0.17, n=96)
    P.rect(-0.2, -0.2, 0.2, 0.2, "#ffffff", r=0.06)
    return cv.resize((size, size), Image.LANCZOS)


# ---------------------------------------------------------------- main

def out_path(url):
    assert url.startswith("/img/"), url
    return PUBLIC / url.lstrip("/")


def save(img, url):
    p = out_path(url)
    p.parent.mkdir(parents=True, exist_ok=True)
    img.save(p, "JPEG", **JPEG)


def check_size(im, w, h, what):
    assert (im["width"], im["height"]) == (w, h), f"{what}: {im['url']} should be {w}x{h}"


def generate(store):
    for m in store["members"]:
        if m["avatar"]:
            a = m["avatar"]
            check_size(a, 128, 128, "avatar")
            save(draw_avatar(m["id"], a["width"], a["height"]), a["url"])
    for cm in store["communities"]:
        cov = cm["cover"]
        check_size(cov, 1200, 480, "cover")
        save(draw_scene(cov["alt_en"], cm["slug"], f"cover-{cm['slug']}", cov["width"], cov["height"],
                        scale=1.5, limit=3), cov["url"])
    for p in store["products"]:
        for n, im in enumerate(p["gallery"], 1):
            check_size(im, 800, 800, "gallery")
            save(draw_gallery(p, n, im["alt_en"], im["width"], im["height"]), im["url"])
        for b in p["story"]:
            if b["kind"] == "image":
                im = b["image"]
                check_size(im, 800, 600, "story")
                save(draw_scene(im["alt_en"], p["community"], im["url"], im["width"], im["height"],
                                must=product_art(p["title_en"]), scale=1.3), im["url"])
        print(f"product {p['id']:>2} {p['title_en']}")
    for post in store["posts"]:
        for im in post["images"]:
            assert (im["width"], im["height"]) in ((800, 1000), (800, 600)), im["url"]
            save(draw_scene(im["alt_en"], post["community"], im["url"], im["width"], im["height"], scale=1.15),
                 im["url"])
    print(f"{len(store['posts'])} posts drawn")
    icons = PUBLIC / "icons"
    icons.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw_icon(size).save(icons / f"icon-{size}.png", optimize=True)


def images_of(store):
    for m in store["members"]:
        if m["avatar"]:
            yield m["avatar"]
    for cm in store["communities"]:
        yield cm["cover"]
    for p in store["products"]:
        yield from p["gallery"]
        for b in p["story"]:
            if b["kind"] == "image":
                yield b["image"]
    for post in store["posts"]:
        yield from post["images"]


def check(store):
    members = store["members"]
    products = store["products"]
    posts = store["posts"]
    assert [m["id"] for m in members] == list(range(1, len(members) + 1)), "member ids"
    assert 12 <= len(members) <= 16, "member count"
    assert [c["slug"] for c in store["communities"]] == ["mothers", "cycling", "photography", "coffee"]
    slugs = {c["slug"] for c in store["communities"]}
    assert [p["id"] for p in products] == list(range(1, 31)), "product ids"
    assert [p["id"] for p in posts] == list(range(1, 61)), "post ids"
    stamps = [p["created_at"] for p in posts]
    assert len(set(stamps)) == len(stamps), "created_at not distinct"
    assert all(s.endswith("Z") and len(s) == 20 for s in stamps), "created_at format"
    for p in products:
        assert p["community"] in slugs
        grp = (p["group_price"], p["group_size"], p["window_hours"])
        if grp[0] is None:
            assert grp == (None, None, None), f"product {p['id']}: partial group offer"
        else:
            assert grp[0] < p["solo_price"] and grp[1] in (2, 3, 5) and grp[2] in (24, 48), f"product {p['id']}"
        assert 990 <= p["solo_price"] <= 89900 and 0 <= p["stock"] <= 500
        assert 2 <= len(p["gallery"]) <= 3
        kinds = [b["kind"] for b in p["story"]]
        assert 3 <= len(kinds) <= 6 and 1 <= kinds.count("image") <= 2, f"product {p['id']} story"
    featured = set()
    member_ids = {m["id"] for m in members}
    for post in posts:
        assert post["author"] in member_ids and post["community"] in slugs
        assert 2 <= len(post["body_zh"]) <= 4 and len(post["body_zh"]) == len(post["body_en"]), post["id"]
        assert 1 <= len(post["images"]) <= 3 and len(post["products"]) <= 3, post["id"]
        assert all(1 <= pid <= 30 for pid in post["products"])
        assert 0 <= post["like_count"] <= 2000 and 0 <= post["comment_count"] <= 300, post["id"]
        featured.update(post["products"])
    missing = set(range(1, 31)) - featured
    assert not missing, f"products in no post: {sorted(missing)}"
    urls = [im["url"] for im in images_of(store)]
    assert len(set(urls)) == len(urls), "duplicate image urls"
    for im in images_of(store):
        assert im["alt_zh"] and im["alt_en"], im["url"]
        with Image.open(out_path(im["url"])) as f:
            assert f.size == (im["width"], im["height"]), f"{im['url']}: file is {f.size}"
    for size in (192, 512):
        with Image.open(PUBLIC / "icons" / f"icon-{size}.png") as f:
            assert f.size == (size, size)
    groups = sum(1 for p in products if p["group_price"] is not None)
    print(f"ok: {len(members)} members, {len(products)} products ({groups} with group offer), "
          f"{len(posts)} posts, {len(urls)} images")


def main():
    store = json.loads(STORE.read_text(encoding="utf-8"))
    if "--check" not in sys.argv:
        generate(store)
    check(store)


if __name__ == "__main__":
    main()
