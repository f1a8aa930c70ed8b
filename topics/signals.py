from django.dispatch import Signal

# Sent by `manage.py rerender_content` once the content's Markdown is rendered again, so that the
# apps storing Markdown of their own (progress: users' notes) render theirs with the same
# renderer. Each receiver returns how many texts it rendered.
markdown_rerendered = Signal()
