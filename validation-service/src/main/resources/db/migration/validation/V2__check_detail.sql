-- What a check's figures cannot say (keys in flight, whether extra keys are in the source, a view's duplicate keys).
ALTER TABLE admin.validation_checks ADD COLUMN detail text;
