"""The synthetic demo municipality, seeded by ``manage.py seed_demo``: the organisation
(organisation.py), the children and their cases (caseload.py), the decisions and the
dashboard's story (decisions.py), the ressursteam (ressursteam.py) and its named
consultations (consultations.py). Never for production: the command refuses without DEBUG."""
