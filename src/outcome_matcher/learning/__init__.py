"""Learning from decisions: refit the calibration, checked on held-out programmes."""
