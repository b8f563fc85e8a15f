"""Reading the wish as a person would: the occasion in context (with the runner-up), the
recipient and their relation, the sender's voice, the tone, and each place with its role
(where the sender is, where the recipient is, or only a subject). Chinese is segmented with
jieba; English word forms (hyphens, plurals, ordinals) and negation are handled here. Nothing of
the wish is executed or echoed: only names and places matching narrow patterns reach a card."""
