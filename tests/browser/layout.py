"""Measurements of the page shown, taken in the browser: sideways scrolling, where wide
tables go, the names of scrolling regions, target sizes and contrast ratios."""
NARROWEST = 320

# Whether the page scrolls sideways (WCAG 1.4.10 reflow).
SCROLLS_SIDEWAYS = """() => {
  const page = document.scrollingElement;
  return page.scrollWidth > page.clientWidth;
}"""

# Every table that is wider than the screen left for it and is not inside a scrolling
# region the keyboard can reach and a screen reader can name.
TABLES_OFF_SCREEN = """() => Array.from(document.querySelectorAll("table")).filter(table => {
  if (table.offsetParent === null) return false;
  const region = table.closest("[role=region][tabindex='0'][aria-label]");
  if (region) return false;
  const box = table.getBoundingClientRect();
  return box.right > document.documentElement.clientWidth + 0.5 || box.left < -0.5;
}).map(table => table.className || table.id || "table")"""

# The names of the page's scrolling regions, to be unique on the page.
REGION_NAMES = """() => Array.from(document.querySelectorAll("[role=region]"))
  .map(region => region.getAttribute("aria-label") || region.getAttribute("aria-labelledby"))"""

# Width and height of each link the selector matches that is shown.
TARGET_SIZES = """selector => Array.from(document.querySelectorAll(selector))
  .filter(link => link.offsetParent !== null)
  .map(link => {
    const box = link.getBoundingClientRect();
    return {text: link.textContent.trim(), width: box.width, height: box.height};
  })"""

# WCAG's contrast ratio, and the colour an element is seen against (the first ancestor
# with an opaque background; the page is white).
_CONTRAST = """
  const rgb = text => text.match(/[\\d.]+/g).map(Number);
  const luminance = colour => {
    const [r, g, b] = colour.slice(0, 3).map(value => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (high + 0.05) / (low + 0.05);
  };
  const ground = element => {
    for (let node = element; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length < 4 || colour[3] > 0.99) return colour;
    }
    return [255, 255, 255];
  };
"""

# The contrast of each shown form control's border against what surrounds it (WCAG 1.4.11).
CONTROL_BORDER_CONTRASTS = """selector => {""" + _CONTRAST + """
  return Array.from(document.querySelectorAll(selector))
    .filter(control => control.offsetParent !== null)
    .map(control => ({
      control: control.id || control.name,
      ratio: ratio(rgb(getComputedStyle(control).borderTopColor), ground(control.parentElement)),
    }));
}"""

# The contrast of an element's text against its own background (or what is behind it).
TEXT_CONTRAST = """element => {""" + _CONTRAST + """
  return ratio(rgb(getComputedStyle(element).color), ground(element));
}"""


def scrolls_sideways(page) -> bool:
    return page.evaluate(SCROLLS_SIDEWAYS)


def tables_off_screen(page) -> list[str]:
    return page.evaluate(TABLES_OFF_SCREEN)


def region_names(page) -> list[str]:
    return page.evaluate(REGION_NAMES)


def target_sizes(page, selector: str) -> list[dict]:
    return page.evaluate(TARGET_SIZES, selector)


def control_border_contrasts(page, selector: str) -> list[dict]:
    return page.evaluate(CONTROL_BORDER_CONTRASTS, selector)


def text_contrast(locator) -> float:
    return locator.evaluate(TEXT_CONTRAST)


def in_viewport(page, locator) -> bool:
    """Whether the element is wholly on the screen as shown, without scrolling."""
    box = locator.bounding_box()
    size = page.viewport_size
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= size["width"] + 0.5
            and box["y"] + box["height"] <= size["height"] + 0.5)
