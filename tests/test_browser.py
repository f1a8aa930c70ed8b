"""The core flow in a real browser, with JavaScript and without."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from progress.models import StudiedMark
from tests.browser import screenshot, watched_page
from tests.conftest import PASSWORD
from topics.models import Question

pytestmark = pytest.mark.browser


@pytest.fixture
def content(transactional_db):
    call_command("load_content", "fixtures/content/", stdout=StringIO())


def sign_up(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_email", f"{username}@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert username in page.inner_text(".account")


def topic_counter(page) -> str:
    return page.inner_text(".sticky-progress .progress-text")


def open_filters(page) -> None:
    """Unfold the filter form, folded behind "Filter" while no filter is in use."""
    if not page.eval_on_selector("#filter-disclosure", "d => d.open"):
        page.click("#filter-disclosure > summary")


def section_counter(page, slug: str) -> str:
    return page.inner_text(f"#section-{slug} .section-header .progress-text")


def test_ticks_update_every_counter_without_a_reload(live_server, content, page):
    sign_up(page, live_server.url, "erin")
    page.click("text=ML Breadth")
    page.wait_for_url(f"{live_server.url}/topics/ml-breadth/")
    assert topic_counter(page) == "0 / 67 studied"
    page.evaluate("window.notReloaded = true")

    rows = page.locator("#section-sequence-modeling .question-row")
    rows.nth(0).locator(".tick-button").click()
    page.wait_for_selector("#section-sequence-modeling .question-row.is-studied")
    rows.nth(1).locator(".tick-button").click()
    page.wait_for_function("() => document.querySelectorAll('.question-row.is-studied').length === 2")

    assert topic_counter(page) == "2 / 67 studied"
    assert section_counter(page, "sequence-modeling") == "2 / 5 studied"
    assert page.evaluate("window.notReloaded") is True  # the page was never reloaded
    screenshot(page, "topic-after-two-ticks")

    page.reload()
    assert topic_counter(page) == "2 / 67 studied"
    assert page.locator(".question-row.is-studied").count() == 2

    # A double click is harmless: the request states the result it wants.
    first = page.locator("#section-neural-network-foundations .question-row").nth(0)
    first.locator(".tick-button").dblclick()
    page.wait_for_function("() => document.querySelectorAll('.question-row.is-studied').length === 3")
    assert topic_counter(page) == "3 / 67 studied"
    assert StudiedMark.objects.filter(user__username="erin").count() == 3

    # A double click whose second click comes after the first one's answer, as on a fast server:
    # it lands on the swapped button, which now says "not studied". It is still one press.
    second = page.locator("#section-neural-network-foundations .question-row").nth(1)
    box = second.locator(".tick-button").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down(click_count=1)
    page.mouse.up(click_count=1)
    page.wait_for_function("() => document.querySelectorAll('.question-row.is-studied').length === 4")
    # A click that htmx acts on starts its request at once, in the click's own task; count them.
    # (Waiting for "networkidle" would not do: it fired once, after the page loaded, and stays.)
    page.evaluate(
        "() => { window.requestsSent = 0;"
        " document.addEventListener('htmx:beforeRequest', () => window.requestsSent++); }"
    )
    page.mouse.down(click_count=2)
    page.mouse.up(click_count=2)
    assert page.evaluate("window.requestsSent") == 0  # the second click was dropped: nothing was sent
    assert page.locator(".question-row.is-studied").count() == 4
    assert topic_counter(page) == "4 / 67 studied"
    assert StudiedMark.objects.filter(user__username="erin").count() == 4
    assert page.evaluate("window.location.hash") == ""  # no plain form post either


def test_the_question_page_ticks_in_place_and_reveals_the_answer(live_server, content, page):
    sign_up(page, live_server.url, "fay")
    page.goto(f"{live_server.url}/questions/kv-cache/")
    assert not page.is_visible(".answer .prose")
    page.click("details.answer summary")
    assert page.is_visible(".answer .prose")
    page.click(".question-panel .tick-button")
    page.wait_for_selector(".question-panel.is-studied")
    assert page.inner_text(".question-counters").count("1 / ") == 2
    page.click("a[rel=next]")
    page.wait_for_url(f"{live_server.url}/questions/long-context-transformers/")


def test_anonymous_tick_asks_to_log_in_and_comes_back(live_server, content, page):
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    page.locator(".question-row .tick-button").first.click()
    page.wait_for_url("**/accounts/login/?next=%2Ftopics%2Fml-breadth%2F")
    assert page.is_visible("text=Log in")
    assert "this question will be marked studied" in page.inner_text("#messages")
    User.objects.create_user("mia", "mia@example.org", PASSWORD)
    page.fill("#id_username", "mia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/topics/ml-breadth/")
    assert topic_counter(page) == "1 / 67 studied"
    assert "Marked studied" in page.inner_text("#messages")


def test_the_same_flow_works_without_javascript(live_server, content, page_without_js):
    page = page_without_js
    sign_up(page, live_server.url, "gus")
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    rows = page.locator("#section-loss-functions .question-row")
    with page.expect_navigation():
        rows.nth(0).locator(".tick-button").click()
    assert "#question-row-" in page.url  # post/redirect/get back to the same place
    with page.expect_navigation():  # to an address like the one it leaves: wait_for_url would not wait
        page.locator("#section-loss-functions .question-row").nth(1).locator(".tick-button").click()
    assert topic_counter(page) == "2 / 67 studied"
    assert section_counter(page, "loss-functions") == "2 / 8 studied"
    page.reload()
    assert topic_counter(page) == "2 / 67 studied"
    # and unticking works too
    with page.expect_navigation():
        page.locator("#section-loss-functions .question-row.is-studied .tick-button").first.click()
    assert topic_counter(page) == "1 / 67 studied"
    screenshot(page, "topic-without-javascript")


def row_slugs(page) -> list[str]:
    return page.eval_on_selector_all(
        "#results .question-title", "links => links.map(a => a.getAttribute('href').split('/')[2])"
    )


def test_filters_swap_the_list_push_the_url_and_back_restores_it(live_server, content, page):
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    page.evaluate("window.notReloaded = true")
    assert len(row_slugs(page)) == 67
    open_filters(page)
    page.check("input[name=difficulty][value=easy]")
    page.wait_for_url("**/topics/ml-breadth/?difficulty=easy*")
    page.wait_for_function("() => document.querySelectorAll('#results .question-title').length === 1")
    assert row_slugs(page) == ["logistic-regression"]
    assert "Showing 1 of 67 questions" in page.inner_text("#filter-summary")
    page.check("input[name=difficulty][value=hard]")
    page.wait_for_function("() => document.querySelectorAll('#results .question-title').length === 36")
    assert "difficulty=hard" in page.url
    assert page.evaluate("window.notReloaded") is True
    page.go_back()
    page.wait_for_function("() => document.querySelectorAll('#results .question-title').length === 1")
    assert "difficulty=hard" not in page.url and "difficulty=easy" in page.url
    # The controls show the filter of the address too, so the next change adds to it.
    assert page.is_checked("input[name=difficulty][value=easy]")
    assert not page.is_checked("input[name=difficulty][value=hard]")
    page.go_back()
    page.wait_for_function("() => document.querySelectorAll('#results .question-title').length === 67")
    assert not page.is_checked("input[name=difficulty][value=easy]")
    # a filtered address is shareable: opened fresh, it renders the same list
    page.goto(f"{live_server.url}/topics/ml-breadth/?difficulty=easy")
    assert row_slugs(page) == ["logistic-regression"]


def test_filters_work_without_javascript(live_server, content, page_without_js):
    page = page_without_js
    page.goto(f"{live_server.url}/questions/")
    open_filters(page)
    page.check("input[name=difficulty][value=easy]")
    page.select_option("select[name=path]", "ml-breadth-sprint")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**/questions/?*difficulty=easy*")
    assert row_slugs(page) == ["logistic-regression"]


def test_follow_a_path_and_tick_its_next_up_question(live_server, content, page):
    sign_up(page, live_server.url, "hana")
    page.goto(f"{live_server.url}/paths/ml-breadth-sprint/")
    page.click("text=Follow this path")
    page.wait_for_selector("text=You follow this path since")
    next_up = page.locator(".next-up a")
    assert next_up.get_attribute("href") == "/questions/backpropagation-vanishing-gradients/"
    page.locator(
        "#step-{} .question-row .tick-button".format(page.locator(".step").first.get_attribute("id").split("-")[1])
    ).first.click()
    page.wait_for_selector(".step .question-row.is-studied")
    page.wait_for_function(
        "() => document.querySelector('.next-up a').getAttribute('href') === '/questions/convolutional-networks/'"
    )
    assert page.inner_text(".topic-header .progress-text") == "1 / 67 studied"
    assert page.inner_text(".step .section-header .progress-text") == "1 / 2 studied"
    page.goto(f"{live_server.url}/")
    assert "ML Breadth sprint" in page.inner_text(".dashboard")
    assert "Convolutional" in page.inner_text(".dashboard .next-up") or "convolution" in page.inner_text(
        ".dashboard .next-up"
    )


def test_an_answer_with_code_a_table_and_formulas_renders(live_server, content, page):
    page.goto(f"{live_server.url}/questions/learning-rate-schedules/")
    page.click("details.answer summary")
    answer = page.locator("details.answer")
    assert answer.locator("table").count() >= 1
    assert answer.locator(".highlight pre").count() >= 1
    formulas = answer.locator("math")
    assert formulas.count() >= 1
    # MathML is laid out by the browser: a formula has a real size and no TeX source shows.
    box = formulas.first.bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5
    assert "\\frac" not in answer.inner_text() and "$" not in answer.inner_text().replace("USD", "")
    assert answer.locator(".math-error").count() == 0
    screenshot(page, "question-with-code-table-math")


def test_notes_and_stars_in_place(live_server, content, page):
    sign_up(page, live_server.url, "jo")
    page.goto(f"{live_server.url}/questions/kv-cache/")
    page.click("text=Add a note")
    page.fill("#note textarea", "Cache grows **linearly** with context.")
    page.click("#note button[type=submit]")
    page.wait_for_selector("#note .note-body strong")
    assert page.inner_text("#note .note-body") == "Cache grows linearly with context."
    page.click(".question-panel .star-button")
    page.wait_for_selector(".question-panel .star-button.is-starred")
    page.goto(f"{live_server.url}/topics/ml-breadth/?status=starred")
    assert row_slugs(page) == ["kv-cache"]


def test_reset_a_topic_after_confirming(live_server, content, page):
    sign_up(page, live_server.url, "kim")
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    page.locator(".question-row .tick-button").first.click()
    page.wait_for_selector(".question-row.is-studied")
    page.goto(f"{live_server.url}/account/progress/")
    page.select_option("select[name=topic]", "ml-breadth")
    page.click("text=Review what would be cleared")
    page.wait_for_url("**/account/progress/reset/?**")
    assert "1 studied mark" in page.inner_text("main")
    assert page.is_visible("text=download your progress first")
    page.click("text=Clear it")
    page.wait_for_selector("text=Reset the topic ML Breadth: 1 item cleared.")
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    assert topic_counter(page) == "0 / 67 studied"


def test_no_xss_payload_runs_in_the_browser(live_server, transactional_db, page):
    from django.contrib.auth.models import User

    from progress.models import Note
    from tests.conftest import make_topic
    from tests.xss_payloads import XSS_PAYLOADS
    from topics.models import Answer, Question

    make_topic("xss", sections=1, per_section=1)
    question = Question.objects.get(slug="xss-q1-1")
    corpus = "\n\n".join(XSS_PAYLOADS)
    answer = question.answers.get()
    answer.body = corpus
    answer.save()
    sign_up(page, live_server.url, "mallory")
    Note.objects.create(user=User.objects.get(username="mallory"), question=question, body=corpus)
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    page.click("details.answer summary")
    for link in page.locator(".answer a, .note a").all():
        link.hover()
    page.wait_for_timeout(500)
    assert Answer.objects.get(id=answer.id).html  # rendered, and the page fixture saw no dialog
    assert page.evaluate("() => document.querySelectorAll('.answer script, .note script, .answer iframe').length") == 0


def test_a_failed_htmx_request_says_so(live_server, content, page):
    sign_up(page, live_server.url, "lee")
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    page.route("**/studied/", lambda route: route.fulfill(status=500, body="Something went wrong"))
    page.locator(".question-row .tick-button").first.click()
    page.wait_for_selector("#messages .message-error")
    assert "your last change was not saved" in page.inner_text("#messages")
    assert page.locator(".question-row.is-studied").count() == 0  # nothing pretends to be saved


def test_back_shows_fresh_counters_and_no_page_of_a_logged_out_user(live_server, content, page):
    sign_up(page, live_server.url, "hal")
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    assert topic_counter(page) == "0 / 67 studied"
    page.click("#section-sequence-modeling .question-row .question-title >> nth=0")
    page.wait_for_selector(".question-panel")
    page.click(".question-panel .tick-button")
    page.wait_for_selector(".question-panel.is-studied")
    page.go_back()
    page.wait_for_url(f"{live_server.url}/topics/ml-breadth/")
    page.wait_for_selector(".sticky-progress .progress-text")
    assert topic_counter(page) == "1 / 67 studied"
    open_filters(page)
    page.check("input[name=difficulty][value=hard]")
    page.wait_for_url("**/topics/ml-breadth/?difficulty=hard*")
    page.click("button:has-text('Log out')")
    page.wait_for_url(f"{live_server.url}/")
    page.go_back()
    page.wait_for_load_state()
    page.go_back()
    page.wait_for_load_state()
    assert "hal" not in page.inner_text(".site-header")
    assert topic_counter(page) == "0 / 67 studied"


def test_removing_a_star_in_the_starred_list_takes_the_row_out(live_server, content, page):
    sign_up(page, live_server.url, "ivy")
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    for index in (0, 1):
        page.locator(".question-row .star-button").nth(index).click()
        page.wait_for_function(f"() => document.querySelectorAll('.star-button.is-starred').length === {index + 1}")
    page.goto(f"{live_server.url}/topics/ml-breadth/?status=starred")
    assert len(row_slugs(page)) == 2
    page.locator(".question-row .star-button").first.click()
    page.wait_for_function("() => document.querySelectorAll('#results .question-title').length === 1")
    assert "Showing 1 of 67 questions" in page.inner_text("#filter-summary")
    page.reload()
    assert len(row_slugs(page)) == 1


def test_keyboard_focus_stays_on_the_control_after_a_tick_or_star(live_server, content, page):
    sign_up(page, live_server.url, "jon")
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    first = page.locator(".question-row").first
    button_id = first.locator(".tick-button").get_attribute("id")
    first.locator(".tick-button").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".question-row.is-studied")
    page.wait_for_function(f"() => document.activeElement && document.activeElement.id === '{button_id}'")
    star_id = first.locator(".star-button").get_attribute("id")
    page.locator(f"#{star_id}").focus()
    page.keyboard.press("Space")
    page.wait_for_selector(".star-button.is-starred")
    page.wait_for_function(f"() => document.activeElement && document.activeElement.id === '{star_id}'")


def test_pages_fit_a_phone_screen(live_server, content, page):
    sign_up(page, live_server.url, "kim")
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ["/", "/topics/ml-breadth/", "/questions/?path=ml-engineer", "/paths/ml-engineer/",
                 "/questions/kv-cache/", "/account/progress/", "/review/"]:  # fmt: skip
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path


def test_many_ticks_at_once_leave_the_counters_right(live_server, content, page):
    sign_up(page, live_server.url, "lou")
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    page.evaluate("() => document.querySelectorAll('.question-row .tick-button').forEach(b => b.click())")
    page.wait_for_function("() => document.querySelectorAll('.question-row.is-studied').length === 67", timeout=60000)
    page.wait_for_load_state("networkidle")
    assert topic_counter(page) == "67 / 67 studied"
    assert section_counter(page, "sequence-modeling") == "5 / 5 studied"
    assert StudiedMark.objects.filter(user__username="lou").count() == 67


def test_log_in_links_follow_a_filter_changed_in_place(live_server, content, page):
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    open_filters(page)
    page.check("input[name=difficulty][value=hard]")
    page.wait_for_url("**/topics/ml-breadth/?difficulty=hard*")
    page.click(".callout a:has-text('Log in')")
    page.wait_for_url("**/accounts/login/**")
    assert "difficulty%3Dhard" in page.url


def test_the_day_follows_the_browsers_time_zone_unless_one_is_chosen(live_server, content, browser):
    context, page = watched_page(browser, timezone_id="Asia/Tokyo")
    try:
        sign_up(page, live_server.url, "kenji")

        def zone_cookie() -> str:
            return next((c["value"] for c in context.cookies() if c["name"] == "tz"), "").strip('"')

        assert zone_cookie() == "Asia/Tokyo"  # written by the page's script
        page.goto(f"{live_server.url}/review/")
        assert "Your day starts at midnight in Asia/Tokyo." in page.inner_text(".time-zone-line")

        page.click(".time-zone-line a")
        page.wait_for_url("**/account/time-zone/?next=**")
        assert "Asia/Tokyo" in page.inner_text("main") and "your browser's time zone" in page.inner_text("main")
        page.select_option("#id_time_zone", "Europe/Lisbon")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/review/")
        assert "Your day starts at midnight in Europe/Lisbon." in page.inner_text(".time-zone-line")
        page.goto(f"{live_server.url}/")
        assert zone_cookie() == "Europe/Lisbon"  # the chosen zone is not overwritten

        page.goto(f"{live_server.url}/account/time-zone/")
        page.select_option("#id_time_zone", "")
        page.click("main button[type=submit]")  # back to this same address, so wait for what it says
        page.wait_for_selector("#messages >> text=Your days follow your browser's time zone")
        page.goto(f"{live_server.url}/review/")
        assert zone_cookie() == "Asia/Tokyo"
        page.reload()
        assert "Your day starts at midnight in Asia/Tokyo." in page.inner_text(".time-zone-line")
    finally:
        context.close()
    assert page.problems == []


def test_search_narrows_the_list_as_you_type_and_without_javascript(live_server, content, page, page_without_js):
    page.goto(f"{live_server.url}/questions/")
    page.evaluate("window.notReloaded = true")
    total = Question.objects.live().count()  # unfiltered, the list sends its topics folded, without rows
    assert f"{total} questions in" in page.inner_text("#results")
    open_filters(page)
    page.locator(".filters input[name=q]").press_sequentially("kl divergence", delay=30)
    page.wait_for_url("**/questions/?q=kl%20divergence")  # no empty filters in the address
    page.wait_for_function(f"() => document.querySelectorAll('#results .question-title').length < {total}")
    found = row_slugs(page)
    assert 0 < len(found) < total
    assert f"Showing {len(found)} of {total} questions" in page.inner_text("#filter-summary")
    assert page.evaluate("window.notReloaded") is True
    assert page.input_value(".filters input[name=q]") == "kl divergence"  # the box was not swapped under the typing
    # announced to screen readers from a live region outside the swapped list
    assert page.inner_text("#results-status") == f"Showing {len(found)} of {total} questions"

    plain = page_without_js
    plain.goto(f"{live_server.url}/questions/")
    open_filters(plain)
    plain.fill(".filters input[name=q]", "kl divergence")
    plain.click(".filters button[type=submit]")
    plain.wait_for_url("**/questions/?q=kl+divergence*")
    assert row_slugs(plain) == found


def test_a_random_pick_follows_the_filters_and_leads_to_the_next(live_server, content, page):
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    open_filters(page)
    page.check("input[name=difficulty][value=easy]")
    page.wait_for_function("() => document.querySelectorAll('#results .question-title').length === 1")
    # the link was swapped in with the list, so it names the filter just chosen
    assert "difficulty=easy" in page.get_attribute(".random-pick a", "href")
    page.click(".random-pick a")
    page.wait_for_url("**/questions/logistic-regression/?practice=*")
    with page.expect_navigation(url="**/questions/logistic-regression/?practice=*"):  # the only easy one: picked again
        page.click("text=Another random question from your list")
    assert "difficulty%3Deasy" in page.url


def test_the_header_search_box_leads_to_the_results(live_server, content, page_without_js):
    page = page_without_js
    page.goto(f"{live_server.url}/paths/")
    page.fill(".site-search input[name=q]", "kl divergence")
    page.press(".site-search input[name=q]", "Enter")
    page.wait_for_url("**/questions/?q=kl+divergence")
    assert page.input_value(".filters input[name=q]") == "kl divergence"
    assert "How are KL divergence and cross-entropy connected" in page.inner_text("#results .question-title >> nth=0")


def test_keys_show_rate_tick_and_move_but_never_while_typing(live_server, content, page):
    sign_up(page, live_server.url, "kai")
    page.goto(f"{live_server.url}/review/")
    assert page.is_visible(".keys-help")
    page.keyboard.press("3")  # the answer is not shown yet: nothing to rate
    assert "10 cards in this session (10 new)" in page.inner_text(".review-left")
    page.keyboard.press(" ")
    assert page.eval_on_selector("#review-card details.answer", "d => d.open")
    page.keyboard.press("3")  # Good: the card comes back in 10 minutes, one new card fewer
    page.wait_for_function("() => document.querySelector('.review-left').innerText.includes('(9 new)')")

    page.goto(f"{live_server.url}/questions/logistic-regression/")
    page.click("#note a >> text=Add a note")
    page.fill("textarea[name=body]", "")
    page.type("textarea[name=body]", "sn")  # typed into the note, not taken as keys
    assert "logistic-regression" in page.url
    assert not page.is_visible(".question-panel .tick-button.is-studied")
    page.click("h1")  # focus leaves the note
    page.keyboard.press("s")
    page.wait_for_selector(".question-panel .tick-button.is-studied")
    next_href = page.get_attribute(".pager a[rel=next]", "href")
    page.keyboard.press("n")
    page.wait_for_url(f"**{next_href}")

    # they can be turned off (for speech input and other assistive tools), and that holds
    page.click(".keys-toggle")
    assert page.inner_text(".keys-toggle") == "Keys are off: turn them on"
    page.reload()
    assert page.inner_text(".keys-toggle") == "Keys are off: turn them on"
    page.click("h1")
    page.keyboard.press(" ")
    assert not page.eval_on_selector("details.answer", "d => d.open")
    page.click(".keys-toggle")
    page.click("h1")
    page.keyboard.press(" ")
    assert page.eval_on_selector("details.answer", "d => d.open")
