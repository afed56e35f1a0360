"""Views of children and cases, one module per area. Each view's first line fetches what it
shows through referrals/scoping.py; writes go through referrals/services.py."""
