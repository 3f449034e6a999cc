-- Event bodies deflated against a preset dictionary (issue 11 item 7:
-- storage per family). Deflated alone, a 300-byte confirmation still spent
-- most of its bytes on the key names and fixed phrases every event
-- repeats, and a decision on its policy's sentences and citations; against
-- a dictionary of one event of each kind (core/event_dictionary_v1.json)
-- the bodies of a synthetic city fell from 338 to about 73 bytes each.
-- body_zd is a version byte (the dictionary's) and the raw deflate
-- stream. New rows fill it and leave body_z NULL and body_json empty;
-- rows written before keep what they had, and all three are read.
ALTER TABLE application_events ADD COLUMN body_zd BYTEA;
