// CTC: log-space alpha/beta recursions per sample and the gradient w.r.t. log_probs.
