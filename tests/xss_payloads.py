"""Payloads that must never survive rendering: used for answers (and anything else users read)."""

from html.parser import HTMLParser

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](  javascript:alert(1) )",
    "![x](javascript:alert(1))",
    '<iframe src="https://example.com"></iframe>',
    '<object data="x"></object>',
    '<embed src="x">',
    '<div onclick="alert(1)">x</div>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<form action="/x"><button>go</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<button hx-post="/questions/x/studied/" hx-trigger="load">x</button>',
    '<div hx-get="/admin/" hx-trigger="load" data-hx-get="/x">x</div>',
    "<body onload=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<style>body{display:none}</style>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<math><maction actiontype="statusline" onclick="alert(1)">x</maction></math>',
    '<math href="javascript:alert(1)"><mi>x</mi></math>',
    "$\\href{javascript:alert(1)}{x}$",
    "$x$ <scr<script>ipt>alert(1)</script>",
    "$$\n\\text{</math><script>alert(1)</script>}\n$$",
    "$\\text{<img src=x onerror=alert(1)>}$",
    "```html\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "<!--><script>alert(1)</script>-->",
    '<a href="https://example.com" onmouseover="alert(1)" target="_blank">x</a>',
    '<table><tr><td onmouseover="alert(1)">x</td></tr></table>',
    # A formula inside an attribute value must not be restored there, nor end the attribute.
    '<div class="<math><mtext>&quot; hx-post=&quot;/account/progress/reset/&quot; hx-trigger=&quot;load&quot; '
    'x=&quot;</mtext></math>">x</div>',
    '<img src="x" alt="<math><mi>&quot; onerror=&quot;alert(1)</mi></math>">',
    '<a href="https://example.com" title="<math><mtext>&quot;onmouseover=&quot;alert(1)</mtext></math>">x</a>',
    "<a title='<math><mtext>&#39; onmouseover=&#39;alert(1)</mtext></math>'>x</a>",
    # A value holding a double quote is written in single quotes; a formula inside the next,
    # double-quoted value must not end it either.
    "<a title='\"' href=\"http://x/<math><mi mathvariant=' onmouseover=alert(1) x'>q</mi></math>\">t</a>",
    "<a title='\"' href=\"http://x/<math><mi mathvariant=' hx-post=/account/progress/reset/ hx-trigger=load "
    "hx-vals={&quot;confirm&quot;:1} x'>q</mi></math>\">t</a>",
]

# What must not appear in the sanitized HTML, whatever the payload.
FORBIDDEN = [
    "<script",
    "<svg",
    "<iframe",
    "<object",
    "<embed",
    "<form",
    "<input",
    "<style",
    "<meta",
    "<base",
    "<body",
    "<details",
    "<maction",
    "javascript:",
    "data:text",
    " on",
    "hx-",
    "data-hx",
    "xlink:",
    'href="x',
]


class _Markup(HTMLParser):
    """The tags and attributes of some HTML as a browser's tokenizer reads them, without the
    text: where an attack would have to live."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(f"<{tag}" + "".join(f' {name}="{value or ""}"' for name, value in attrs) + ">")

    handle_startendtag = handle_starttag


def markup_of(html: str) -> str:
    """The tags and attributes of some HTML, as a browser reads them, without the text."""
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return " ".join(parser.tags)
