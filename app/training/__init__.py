"""Training: course catalogue, sessions, enrolment, course recommendations, outcomes."""
