"""Documents and consents are written through their pages and services only; the admin shows nothing of them."""
