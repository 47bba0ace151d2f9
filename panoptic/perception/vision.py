"""Find a template image on a screenshot (OpenCV template matching).

Matching is done in grayscale with normalised cross-correlation
(`TM_CCOEFF_NORMED`). The template is first tried at its own size; only when
that best score is below the threshold are other scales tried (0.8 … 1.25),
first on half-resolution copies to pick the scale cheaply, then refined at
full resolution around the best candidate. At its own size a template large
enough is first looked for on quarter-resolution copies, then on half, and
only then at full resolution. When no scale reaches the
threshold, ORB keypoints and a RANSAC homography locate a template scaled
beyond that range (or slightly changed), and the box they give is verified by
correlation. The result always carries the best candidate found, so a failure
can say where and how close it was.

OpenCV and NumPy are imported inside the functions, never at module import.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panoptic.contract.errors import ActionFailed, InfrastructureError

if TYPE_CHECKING:
    import numpy as np

DEFAULT_CONFIDENCE = 0.8
# Scales tried when the template's own size does not reach the threshold, nearest to 1.0 first.
SCALES = (0.95, 1.05, 0.9, 1.1, 0.85, 1.15, 0.8, 1.2, 1.25)
_COARSE_FACTOR = 0.5  # resolution of the cheap search for other scales
_COARSE_FACTORS = (0.25, 0.5)  # resolutions tried in turn for the template at its own size, cheapest first
_MIN_COARSE_SIDE = 8  # smallest template side at a coarse resolution; smaller templates skip that resolution
_COARSE_PEAKS = 3  # places of the cheap search scored at full resolution
_COARSE_SLACK = 3  # coarse pixels of uncertainty around a coarse hit, searched at full resolution

Screenshot = Any  # PNG/JPEG bytes, a numpy array (RGB, RGBA or grayscale), a PIL image, or a Path


@dataclass(frozen=True)
class Match:
    """The best candidate for a template on a screenshot.

    `x`, `y` are the centre of the candidate box; `left`, `top`, `width`,
    `height` its box in screenshot pixels; `score` the correlation in [-1, 1];
    `scale` the template scale that gave it. `found` is `score >= confidence`.
    """

    found: bool
    x: int
    y: int
    left: int
    top: int
    width: int
    height: int
    score: float
    scale: float
    confidence: float = DEFAULT_CONFIDENCE

    def describe(self) -> str:
        """One line for reports: the score and where the best candidate is."""
        return (
            f"best match {self.score:.2f} (needs {self.confidence:.2f}) at {self.x}, {self.y} "
            f"(box {self.width}x{self.height} at {self.left}, {self.top}, scale {self.scale:g})"
        )


def _modules() -> tuple[Any, Any]:
    try:
        import cv2
        import numpy
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise InfrastructureError(
            f"image matching needs OpenCV and NumPy ({exc.name} is not installed)",
            help="install them with: pip install 'panoptic-lang[desktop]' (opencv-python-headless, numpy)",
        ) from exc
    return cv2, numpy


def to_gray(image: Screenshot) -> np.ndarray:
    """A screenshot in any accepted form as a 2-D uint8 grayscale array."""
    cv2, np = _modules()
    if isinstance(image, (bytes, bytearray, memoryview)):
        data = np.frombuffer(bytes(image), dtype=np.uint8)
        gray = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
        if gray is None:
            raise ActionFailed("the screenshot could not be decoded as an image")
        return gray
    if isinstance(image, (str, Path)):
        return _read_gray_file(Path(image), what="image")
    if hasattr(image, "convert") and hasattr(image, "size"):  # a PIL image
        return np.asarray(image.convert("L"))
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    if arr.ndim == 2:
        return arr
    if arr.ndim == 3 and arr.shape[2] == 4:
        return cv2.cvtColor(arr, cv2.COLOR_RGBA2GRAY)
    if arr.ndim == 3 and arr.shape[2] == 3:
        return cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    if arr.ndim == 3 and arr.shape[2] == 1:
        return arr[:, :, 0]
    raise ActionFailed(f"unsupported screenshot array shape {arr.shape}")


def _read_gray_file(path: Path, *, what: str) -> np.ndarray:
    cv2, np = _modules()
    if not path.is_file():
        raise ActionFailed(
            f"{what} file not found: {path}",
            help="check the path; image paths are relative to the .pan file's folder",
        )
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise ActionFailed(f"{what} file cannot be read: {path} ({exc.strerror or exc})") from exc
    gray = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) if data.size else None
    if gray is None:
        raise ActionFailed(
            f"{what} file is not a readable image: {path}",
            help="use a PNG or JPEG file",
        )
    return gray


_TEMPLATE_CACHE: dict[tuple[str, int, int], np.ndarray] = {}
_TEMPLATE_CACHE_SIZE = 32


def load_template(template: Path | str) -> np.ndarray:
    """Read a template file as grayscale; ActionFailed (with the path) if it is missing or unreadable.

    Decoded templates are kept while their file is unchanged, so polling an
    `expect image … visible` does not decode the file again each time.
    """
    path = Path(template)
    try:
        st = path.stat()
    except OSError:
        st = None
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size) if st is not None else None
    if key is not None and key in _TEMPLATE_CACHE:
        return _TEMPLATE_CACHE[key]
    gray = _read_gray_file(path, what="template image")
    if key is not None:
        if len(_TEMPLATE_CACHE) >= _TEMPLATE_CACHE_SIZE:
            _TEMPLATE_CACHE.pop(next(iter(_TEMPLATE_CACHE)))
        gray.setflags(write=False)
        _TEMPLATE_CACHE[key] = gray
    return gray


def _best(cv2: Any, np: Any, screen: np.ndarray, templ: np.ndarray) -> tuple[float, tuple[int, int]]:
    """Best TM_CCOEFF_NORMED score and its top-left corner; flat regions score 0, not NaN."""
    result = cv2.matchTemplate(screen, templ, cv2.TM_CCOEFF_NORMED)
    np.nan_to_num(result, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    _, max_val, _, max_loc = cv2.minMaxLoc(result)
    return float(max_val), (int(max_loc[0]), int(max_loc[1]))


def _resize(cv2: Any, img: np.ndarray, factor: float) -> np.ndarray:
    h, w = img.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
    return cv2.resize(img, size, interpolation=interp)


def _make_match(loc: tuple[int, int], size: tuple[int, int], score: float, scale: float, confidence: float) -> Match:
    w, h = size
    score = max(-1.0, min(1.0, score)) if math.isfinite(score) else 0.0
    return Match(
        found=score >= confidence,
        x=loc[0] + w // 2,
        y=loc[1] + h // 2,
        left=loc[0],
        top=loc[1],
        width=w,
        height=h,
        score=round(score, 4),
        scale=scale,
        confidence=confidence,
    )


def _peaks(cv2: Any, result: np.ndarray, size: tuple[int, int], k: int) -> list[tuple[float, tuple[int, int]]]:
    """The `k` best, mutually distant locations of a match result (modifies `result`)."""
    w, h = size
    out: list[tuple[float, tuple[int, int]]] = []
    for _ in range(k):
        _, val, _, (x, y) = cv2.minMaxLoc(result)
        if val <= -1.0:
            break
        out.append((float(val), (int(x), int(y))))
        result[max(0, y - h // 2) : y + h // 2 + 1, max(0, x - w // 2) : x + w // 2 + 1] = -1.0
    return out


def _refine(
    cv2: Any, np: Any, screen: np.ndarray, templ: np.ndarray, approx: tuple[int, int], factor: float
) -> tuple[float, tuple[int, int]]:
    """Full-resolution match in a small window around a corner found at resolution `factor`."""
    sh, sw = screen.shape[:2]
    h, w = templ.shape[:2]
    pad = round(_COARSE_SLACK / factor)
    x0 = min(max(0, approx[0] - pad), sw - w)
    y0 = min(max(0, approx[1] - pad), sh - h)
    x1 = min(sw, x0 + w + 2 * pad)
    y1 = min(sh, y0 + h + 2 * pad)
    score, (lx, ly) = _best(cv2, np, screen[y0:y1, x0:x1], templ)
    return score, (x0 + lx, y0 + ly)


def _coarse(
    cv2: Any, np: Any, small_screen: np.ndarray, templ: np.ndarray, k: int, factor: float = _COARSE_FACTOR
) -> list[tuple[float, tuple[int, int]]]:
    """Peaks of a match on a screen reduced by `factor`, with corners mapped back to full resolution."""
    t = _resize(cv2, templ, factor)
    if t.shape[0] > small_screen.shape[0] or t.shape[1] > small_screen.shape[1]:
        return []
    result = cv2.matchTemplate(small_screen, t, cv2.TM_CCOEFF_NORMED)
    np.nan_to_num(result, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    peaks = _peaks(cv2, result, (t.shape[1], t.shape[0]), k)
    return [(s, (round(x / factor), round(y / factor))) for s, (x, y) in peaks]


def match_gray(screen: np.ndarray, templ: np.ndarray, confidence: float = DEFAULT_CONFIDENCE) -> Match:
    """Match two grayscale arrays (see `find_image`).

    Templates big enough are located on quarter- and then half-resolution
    copies first and the few best places are then scored at full resolution;
    the full-resolution search runs only when that finds nothing, so a hit is
    exact and a miss is as thorough as a plain search.
    """
    cv2, np = _modules()
    if not 0.0 < confidence <= 1.0:
        raise ActionFailed(f"confidence must be between 0 and 1, got {confidence:g}")
    sh, sw = screen.shape[:2]
    th, tw = templ.shape[:2]
    if float(templ.std()) < 1.0:
        # Correlation needs a pattern: a flat template "matches" any flat area with a perfect score.
        raise ActionFailed(
            f"the template ({tw}x{th}) is a single flat colour and cannot be located by its pattern",
            help="crop the template so that it includes the element's text, icon or edges",
        )
    coarse_screens = {
        factor: _resize(cv2, screen, factor) for factor in _COARSE_FACTORS if min(th, tw) * factor >= _MIN_COARSE_SIDE
    }
    small_screen = coarse_screens.get(_COARSE_FACTOR)
    best: Match | None = None

    def consider(score: float, loc: tuple[int, int], size: tuple[int, int], scale: float) -> bool:
        nonlocal best
        cand = _make_match(loc, size, score, scale, confidence)
        if best is None or cand.score > best.score:
            best = cand
        return best.found

    if th <= sh and tw <= sw:
        for factor, reduced in coarse_screens.items():
            for _, approx in _coarse(cv2, np, reduced, templ, _COARSE_PEAKS, factor):
                if consider(*_refine(cv2, np, screen, templ, approx, factor), (tw, th), 1.0):
                    return best  # type: ignore[return-value]
        if consider(*_best(cv2, np, screen, templ), (tw, th), 1.0):
            return best  # type: ignore[return-value]

    scales = [s for s in SCALES if round(th * s) <= sh and round(tw * s) <= sw and min(th, tw) * s >= 4]
    if not scales and best is None:
        raise ActionFailed(
            f"the template ({tw}x{th}) is larger than the screen ({sw}x{sh})",
            help="crop the template to the element to find",
        )
    scaled = {s: _resize(cv2, templ, s) for s in scales}
    if small_screen is not None:
        ranked = []
        for s in scales:
            ranked.extend((score, s, approx) for score, approx in _coarse(cv2, np, small_screen, scaled[s], 2))
        ranked.sort(key=lambda r: r[0], reverse=True)
        for _, s, approx in ranked[:4]:
            t = scaled[s]
            if consider(*_refine(cv2, np, screen, t, approx, _COARSE_FACTOR), (t.shape[1], t.shape[0]), s):
                break
    else:
        for s in scales:
            t = scaled[s]
            if consider(*_best(cv2, np, screen, t), (t.shape[1], t.shape[0]), s):
                break
    if best is None or not best.found:
        feature = _feature_match(cv2, np, screen, templ)
        if feature is not None:
            consider(*feature)
    assert best is not None
    return best


FEATURE_MIN_INLIERS = 10  # keypoint pairs that agree on one homography
FEATURE_RATIO = 0.75  # Lowe's ratio test
FEATURE_SCALES = (0.25, 4.0)  # the scales the feature fallback accepts (outside SCALES' reach)


def _feature_match(
    cv2: Any, np: Any, screen: np.ndarray, templ: np.ndarray
) -> tuple[float, tuple[int, int], tuple[int, int], float] | None:
    """A scaled or slightly changed template located by ORB keypoints and a RANSAC homography.

    The homography's box is then verified: the template resized to that box is
    correlated with the screen there, and that correlation is the score (so a
    keypoint coincidence never passes for a match). Returns (score, top-left,
    size, scale) or None when the keypoints do not agree.
    """
    orb = cv2.ORB_create(nfeatures=2000, fastThreshold=10, edgeThreshold=8, patchSize=15)
    kt, dt = orb.detectAndCompute(templ, None)
    if dt is None or len(kt) < FEATURE_MIN_INLIERS:
        return None
    ks, ds = orb.detectAndCompute(screen, None)
    if ds is None or len(ks) < FEATURE_MIN_INLIERS:
        return None
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(dt, ds, k=2)
    good = [m[0] for m in pairs if len(m) == 2 and m[0].distance < FEATURE_RATIO * m[1].distance]
    if len(good) < FEATURE_MIN_INLIERS:
        return None
    src = np.float32([kt[m.queryIdx].pt for m in good]).reshape(-1, 1, 2)
    dst = np.float32([ks[m.trainIdx].pt for m in good]).reshape(-1, 1, 2)
    homography, mask = cv2.findHomography(src, dst, cv2.RANSAC, 4.0)
    if homography is None or mask is None or int(mask.sum()) < FEATURE_MIN_INLIERS:
        return None
    th, tw = templ.shape[:2]
    corners = np.float32([[0, 0], [tw, 0], [tw, th], [0, th]]).reshape(-1, 1, 2)
    box = cv2.perspectiveTransform(corners, homography).reshape(-1, 2)
    x0, y0 = (round(float(v)) for v in box.min(axis=0))
    x1, y1 = (round(float(v)) for v in box.max(axis=0))
    sh, sw = screen.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(sw, x1), min(sh, y1)
    w, h = x1 - x0, y1 - y0
    scale = w / tw if tw else 0.0
    if w < 4 or h < 4 or not FEATURE_SCALES[0] <= scale <= FEATURE_SCALES[1]:
        return None
    resized = cv2.resize(templ, (w, h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    score, (lx, ly) = _best(
        cv2, np, screen[max(0, y0 - 2) : min(sh, y1 + 2), max(0, x0 - 2) : min(sw, x1 + 2)], resized
    )
    return score, (max(0, x0 - 2) + lx, max(0, y0 - 2) + ly), (w, h), round(scale, 3)


def find_image(screenshot_png: Screenshot, template: Path | str, confidence: float = DEFAULT_CONFIDENCE) -> Match:
    """Find `template` (an image file) on `screenshot_png` and return the best candidate.

    `screenshot_png` may be PNG/JPEG bytes, a numpy array (RGB/RGBA/gray), a PIL
    image or a file path. The result's `found` tells whether the best score
    reached `confidence`; otherwise it still holds the best score and where it
    was, for the failure message. A missing or unreadable template raises
    ActionFailed naming the path.
    """
    templ = load_template(template)
    screen = to_gray(screenshot_png)
    return match_gray(screen, templ, confidence)


def annotate(screenshot_png: Screenshot, match: Match, out_path: Path | str, label: str = "") -> Path:
    """Write a PNG of the screenshot with the match's box drawn (green if found, red if not)."""
    from PIL import Image, ImageDraw

    if isinstance(screenshot_png, (bytes, bytearray, memoryview)):
        img = Image.open(io.BytesIO(bytes(screenshot_png)))
    elif isinstance(screenshot_png, (str, Path)):
        img = Image.open(screenshot_png)
    elif hasattr(screenshot_png, "convert"):
        img = screenshot_png
    else:
        img = Image.fromarray(screenshot_png)
    img = img.convert("RGB")
    draw = ImageDraw.Draw(img)
    colour = (0, 200, 0) if match.found else (230, 0, 0)
    box = (match.left, match.top, match.left + max(1, match.width) - 1, match.top + max(1, match.height) - 1)
    for inset in range(3):
        draw.rectangle(
            (box[0] - inset, box[1] - inset, box[2] + inset, box[3] + inset),
            outline=colour,
        )
    r = 4
    draw.ellipse((match.x - r, match.y - r, match.x + r, match.y + r), outline=colour, width=2)
    caption = label or f"score {match.score:.2f} / {match.confidence:.2f}"
    ty = match.top - 16 if match.top >= 16 else match.top + match.height + 4
    tw = int(draw.textlength(caption)) + 6
    draw.rectangle((match.left - 2, ty - 1, match.left - 2 + tw, ty + 13), fill=colour)
    draw.text((match.left + 1, ty), caption, fill=(255, 255, 255))
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out, format="PNG")
    return out


@dataclass(frozen=True)
class Box:
    """A rectangle found on a screenshot: `left`, `top`, `width`, `height` in screenshot pixels."""

    left: int
    top: int
    width: int
    height: int

    @property
    def area(self) -> int:
        return self.width * self.height

    def iou(self, other: Box) -> float:
        """Intersection over union with another box (0 when they do not overlap)."""
        ix = max(0, min(self.left + self.width, other.left + other.width) - max(self.left, other.left))
        iy = max(0, min(self.top + self.height, other.top + other.height) - max(self.top, other.top))
        inter = ix * iy
        union = self.area + other.area - inter
        return inter / union if union else 0.0


# Control detection: sizes (screenshot pixels) of what can be a button, field, box or card.
CONTROL_MIN_WIDTH = 14
CONTROL_MIN_HEIGHT = 12
CONTROL_MAX_FRACTION = 0.6  # of the screen's area: larger rectangles are the page itself
CONTROL_RECTANGULARITY = 0.85  # contour area / bounding box area
CONTROL_DUPLICATE_IOU = 0.7


def detect_controls(image: Screenshot) -> list[Box]:
    """Rectangles that look like controls (buttons, fields, boxes) on a screenshot, top to bottom.

    A control is drawn as a rectangle that differs from what surrounds it: a
    border, or a fill of another shade. Both show as a closed contour in the
    edge map (Canny on grayscale, gaps closed by one dilation). Contours that
    are nearly rectangular and of control size are kept; text strokes are
    neither, and a blank screen has no edges at all. Nested near-duplicates
    (the inner and outer side of one border) are merged.
    """
    cv2, np = _modules()
    gray = to_gray(image)
    h, w = gray.shape[:2]
    edges = cv2.Canny(gray, 20, 60)
    edges = cv2.dilate(edges, np.ones((2, 2), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    limit = CONTROL_MAX_FRACTION * w * h
    found: list[Box] = []
    for contour in contours:
        x, y, bw, bh = cv2.boundingRect(contour)
        if bw < CONTROL_MIN_WIDTH or bh < CONTROL_MIN_HEIGHT or bw * bh > limit:
            continue
        if cv2.contourArea(contour) < CONTROL_RECTANGULARITY * bw * bh:
            continue
        found.append(Box(int(x), int(y), int(bw), int(bh)))
    found.sort(key=lambda b: -b.area)
    kept: list[Box] = []
    for box in found:
        if all(box.iou(k) < CONTROL_DUPLICATE_IOU for k in kept):
            kept.append(box)
    kept.sort(key=lambda b: (b.top, b.left))
    return kept
