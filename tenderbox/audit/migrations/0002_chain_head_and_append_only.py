"""Create the chain head, and on PostgreSQL a trigger that makes audit events append-only.

The trigger refuses DELETE, and any UPDATE except blanking the personal columns (erasure), whoever
the database role is; only a superuser can disable it, which is what an auditor's test does.
"""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'audit events are append-only: DELETE refused' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF ROW(NEW.id, NEW.seq, NEW.created_at, NEW.verb, NEW.actor_id, NEW.organisation_id, NEW.subject_user_id,
         NEW.object_type, NEW.object_id, NEW.before, NEW.after, NEW.personal_digest, NEW.prev_hash, NEW.hash)
     IS DISTINCT FROM
     ROW(OLD.id, OLD.seq, OLD.created_at, OLD.verb, OLD.actor_id, OLD.organisation_id, OLD.subject_user_id,
         OLD.object_type, OLD.object_id, OLD.before, OLD.after, OLD.personal_digest, OLD.prev_hash, OLD.hash)
     OR (NEW.actor_label <> OLD.actor_label AND NEW.actor_label <> '')
     OR (NEW.ip_address IS DISTINCT FROM OLD.ip_address AND NEW.ip_address IS NOT NULL)
     OR (NEW.personal_salt <> OLD.personal_salt AND NEW.personal_salt <> '') THEN
    RAISE EXCEPTION 'audit events are append-only: only erasure of personal columns is allowed'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only
  BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def create_head(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1)


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
