-- Write the step's labels back in one statement (registered: occupation_labels). Only rows
-- whose values change are touched, so a nightly run that learned nothing new writes little.
update postings as p
set
    occupation_predicted = l.occupation_predicted,
    occupation_confidence = l.occupation_confidence,
    occupation_kldb = l.occupation_kldb
from occupation_labels as l
where
    p.posting_id = l.posting_id
    and (
        p.occupation_predicted is distinct from l.occupation_predicted
        or p.occupation_confidence is distinct from l.occupation_confidence
        or p.occupation_kldb is distinct from l.occupation_kldb
    )
