#!/usr/bin/env python3
"""Restoring one tenant with infra/scripts/restore_tenant.py, on moto_server.

Given a table keyed as the template's, two tenants (`acme`, and `acme-2` whose partition key
starts with acme's) with an item of every key shape, and an on-demand backup (`CreateBackup`);
when acme loses and changes items after the backup, and acme-2 changes too; then:

  * a tenant id that is not 1-64 characters of a-z 0-9 - _ is refused before anything runs,
    and so are a region outside Japan and a recovery point without a restore role;
  * --dry-run reports what it would restore and changes nothing (the whole table is the same
    afterwards, the temporary table is gone);
  * --from-backup brings back every item acme lost, keeps acme's items changed or created
    after the backup, skips the content parts of a project version that is no longer
    current, and leaves acme-2, the other lookups and the announcements exactly as they were
    just before the restore (not as they were in the backup);
  * --overwrite then writes the backup's items over acme's newer ones, never over a sign-in
    lookup that now belongs to another tenant;
  * a tenant whose KMS key is pending deletion (contract ended) is refused.

What moto cannot do, and this test therefore does not check:
  * point-in-time restore: moto's RestoreTableToPointInTime copies the table as it is now,
    whatever the time asked, so only the mechanics of --point-in-time are run (temporary
    table restored, compared, deleted; nothing to restore);
  * AWS Backup recovery points: moto has no StartRestoreJob, so the restore of an
    `arn:aws:backup:…:recovery-point:…` (the daily backups and their Osaka copies) is not
    run; only its argument checks are;
  * cross-region copies and restores in ap-northeast-3.

    MOTO endpoint: KYOCHO_TEST_AWS_ENDPOINT (as tests/run.sh exports it) or AWS_ENDPOINT_URL.
    tests/.venv/bin/python tests/restore/test_restore.py
"""

import contextlib
import importlib.util
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "infra" / "scripts" / "restore_tenant.py"
REGION = "ap-northeast-1"


def endpoint():
    url = os.environ.get("KYOCHO_TEST_AWS_ENDPOINT") or os.environ.get("AWS_ENDPOINT_URL")
    if not url:
        sys.exit("test_restore: set KYOCHO_TEST_AWS_ENDPOINT to a moto_server (tests/run.sh does)")
    return url


def script_env():
    env = dict(os.environ)
    env.update(
        AWS_ENDPOINT_URL=endpoint(),
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        AWS_ACCESS_KEY_ID=env.get("AWS_ACCESS_KEY_ID", "testing"),
        AWS_SECRET_ACCESS_KEY=env.get("AWS_SECRET_ACCESS_KEY", "testing"),
    )
    return env


def client(service):
    e = script_env()
    return boto3.client(
        service,
        endpoint_url=e["AWS_ENDPOINT_URL"],
        region_name=REGION,
        aws_access_key_id=e["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=e["AWS_SECRET_ACCESS_KEY"],
    )


def template_table():
    """KeySchema and AttributeDefinitions of the template's table."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template = yaml.load((ROOT / "infra" / "template.yaml").read_text(), Loader=Loader)
    props = template["Resources"]["Table"]["Properties"]
    return props["KeySchema"], props["AttributeDefinitions"]


def restore(*args, expect=0):
    """Run the script as an operator would; its JSON report, or what it said when refusing."""
    out = subprocess.run([sys.executable, str(SCRIPT), *args], env=script_env(), capture_output=True, text=True, timeout=120)
    assert out.returncode == expect, f"restore_tenant.py {' '.join(args)} exited {out.returncode}, not {expect}:\n{out.stdout}\n{out.stderr}"
    return json.loads(out.stdout) if expect == 0 else out.stderr


def refused(*args):
    """The script's main() in this process (quicker than a new interpreter): what it said when
    refusing with status 2."""
    spec = importlib.util.spec_from_file_location("restore_tenant", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    err, out = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    os.environ.update(script_env())
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            status = module.main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert status == 2, f"restore_tenant.py {' '.join(args)} returned {status}, not 2:\n{out.getvalue()}\n{err.getvalue()}"
    return err.getvalue()


# ---- items of every key shape -----------------------------------------------------------


def s(v):
    return {"S": v}


def n(v):
    return {"N": str(v)}


def item(pk, sk, **attrs):
    return {"PK": s(pk), "SK": s(sk), **attrs}


def tenant_items(tid, sub, email):
    pk = f"TENANT#{tid}"
    return [
        item(pk, "META", doc=s(json.dumps({"name": f"{tid} Ltd."})), version=n(1)),
        item(pk, "USER#u1", sub=s(sub), doc=s(json.dumps({"email": email, "status": "active"})), version=n(1)),
        item(pk, f"EMAIL#{email}", user=s("u1")),
        item(pk, "ADMINGUARD", v=n(1)),
        item(pk, "PROJECT#p1", id=s("p1"), version=n(2), created_at=n(1), updated_at=n(2), parts=n(2), content_len=n(6), summary={"B": b"\x01sealed"}),
        item(pk, "PART#p1#0000000002#000", data={"B": b"\x00\x01\x02"}),
        item(pk, "PART#p1#0000000002#001", data={"B": b"\x03\x04\x05"}),
        item(pk, "PROJECT#p3", id=s("p3"), version=n(2), created_at=n(1), updated_at=n(2), parts=n(1), content_len=n(3)),
        item(pk, "PART#p3#0000000002#000", data={"B": b"v2"}),
        item(pk, "AUDITHEAD", seq=n(3), hash={"B": b"h3"}),
        item(pk, "LIBITEM#l1", version=n(1), doc=s("{}")),
        item(pk, "LIBVER#l1#000001", version=n(1), doc=s("{}")),
        item(pk, "LOCKOUT#signin", failures=n(2), tags={"SS": ["b", "a"]}),
        item(f"{pk}#AUDIT#2025-01", "1735700000000#e1", event=s("signin")),
        item(f"{pk}#AUDIT#2025-02", "1738400000000#e2", event=s("project.save")),
        item(f"{pk}#AUDIT#2025-02", "1738400000001#e3", event=s("project.save")),
        item(f"SUB#{sub}", "META", tenant=s(tid), user=s("u1")),
    ]


def scan_all(ddb, table):
    items = {}
    for page in ddb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for i in page["Items"]:
            items[(i["PK"]["S"], i["SK"]["S"])] = i
    return items


def same(a, b):
    """Items equal, string sets in any order."""

    def norm(i):
        return {k: (("SS", tuple(sorted(v["SS"]))) if "SS" in v else v) for k, v in i.items()}

    return norm(a) == norm(b)


def tables(ddb):
    return set(ddb.list_tables()["TableNames"])


def main():
    ddb = client("dynamodb")
    kms = client("kms")
    run = uuid.uuid4().hex[:8]
    table = f"kyocho-restore-test-{run}"
    prefix = f"alias/kyocho-test-{run}/tenant/"
    key_schema, attributes = template_table()
    ddb.create_table(TableName=table, KeySchema=key_schema, AttributeDefinitions=attributes, BillingMode="PAY_PER_REQUEST")
    ddb.get_waiter("table_exists").wait(TableName=table)
    for tid in ("acme", "acme-2", "closed"):
        key = kms.create_key(Description=f"restore test {tid}")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"{prefix}{tid}", TargetKeyId=key)

    a = tenant_items("acme", "sub-a1", "ann@acme.example")
    b = tenant_items("acme-2", "sub-b1", "bob@acme2.example")
    announcement = item("ANNOUNCEMENT", "1735700000000#a1", title=s("maintenance"))
    for i in [*a, *b, announcement]:
        ddb.put_item(TableName=table, Item=i)
    backup_arn = ddb.create_backup(TableName=table, BackupName=f"restore-test-{run}")["BackupDetails"]["BackupArn"]
    at_backup = scan_all(ddb, table)
    common = ["--table", table, "--tenant", "acme", "--key-alias-prefix", prefix]

    try:
        # ---- refusals, before anything is read or written --------------------------------
        for bad in ["Acme", "a#b", "acme/x", "", "x" * 65, "acme\n", "ä"]:
            err = refused("--table", table, "--tenant", bad, "--from-backup", backup_arn)
            assert "1-64 characters" in err, err
        err = refused(*common, "--from-backup", backup_arn.replace(REGION, "us-east-1"))
        assert "only backups in Japan" in err, err
        rp = f"arn:aws:backup:{REGION}:123456789012:recovery-point:0d3c1e7e-0000-4000-8000-000000000000"
        err = refused(*common, "--from-backup", rp)
        assert "--restore-role" in err, err
        err = refused(*common, "--point-in-time", "2025-06-01T09:00:00")
        assert "no offset" in err, err
        assert scan_all(ddb, table) == at_backup, "a refused restore changed the table"

        # ---- after the backup: acme loses and changes items, acme-2 changes too ----------
        pa = "TENANT#acme"
        lost = [(pa, "USER#u1"), (pa, "EMAIL#ann@acme.example"), (pa, "PROJECT#p1"), (pa, "PART#p1#0000000002#000"),
                (pa, "PART#p1#0000000002#001"), (pa, "LIBVER#l1#000001"), (pa, "LOCKOUT#signin"),
                (f"{pa}#AUDIT#2025-02", "1738400000001#e3"), ("SUB#sub-a1", "META")]
        for pk, sk in lost:
            ddb.delete_item(TableName=table, Key={"PK": s(pk), "SK": s(sk)})
        newer_meta = item(pa, "META", doc=s(json.dumps({"name": "ACME Holdings"})), version=n(2))
        ddb.put_item(TableName=table, Item=newer_meta)
        # p3 saved again after the backup: version 3 with its own part; the backup's v2 part is stale.
        ddb.put_item(TableName=table, Item=item(pa, "PROJECT#p3", id=s("p3"), version=n(3), created_at=n(1), updated_at=n(3), parts=n(1), content_len=n(3)))
        ddb.delete_item(TableName=table, Key={"PK": s(pa), "SK": s("PART#p3#0000000002#000")})
        ddb.put_item(TableName=table, Item=item(pa, "PART#p3#0000000003#000", data={"B": b"v3"}))
        created_later = item(pa, "PROJECT#p9", id=s("p9"), version=n(1), created_at=n(9), updated_at=n(9), parts=n(0), content_len=n(0))
        ddb.put_item(TableName=table, Item=created_later)
        pb = "TENANT#acme-2"
        ddb.put_item(TableName=table, Item=item(pb, "META", doc=s(json.dumps({"name": "renamed"})), version=n(2)))
        ddb.delete_item(TableName=table, Key={"PK": s(pb), "SK": s("PROJECT#p1")})
        ddb.put_item(TableName=table, Item=item(f"{pb}#AUDIT#2025-03", "1741000000000#e9", event=s("signin")))
        before = scan_all(ddb, table)

        # ---- dry run: counts, no change ---------------------------------------------------
        dry = restore(*common, "--from-backup", backup_arn, "--dry-run")
        assert scan_all(ddb, table) == before, "--dry-run changed the live table"
        assert dry["temporary_table"] not in tables(ddb) and dry["temporary_table_deleted"], dry
        assert dry["items_in_restore_point"] == len(a), dry
        assert dry["restored"] == len(lost), dry
        assert dry["kept_live"] == 2 and dry["stale_parts"] == 1 and dry["overwritten"] == 0, dry  # META, PROJECT#p3; p3's v2 part
        assert dry["live_only"] == 2, dry  # p3's v3 part, p9

        # ---- the restore ------------------------------------------------------------------
        done = restore(*common, "--from-backup", backup_arn)
        after = scan_all(ddb, table)
        for key in lost:
            assert key in after and same(after[key], at_backup[key]), f"{key} was not restored as it was backed up"
        assert same(after[(pa, "META")], newer_meta), "a newer live item was overwritten without --overwrite"
        assert (pa, "PART#p3#0000000002#000") not in after, "a part of a project version no longer current was restored"
        assert after[(pa, "PROJECT#p3")]["version"] == n(3) and (pa, "PART#p3#0000000003#000") in after
        assert same(after[(pa, "PROJECT#p9")], created_later), "an item created after the backup was not kept"
        untouched = {k: v for k, v in before.items() if not (k[0] in (pa, "SUB#sub-a1") or k[0].startswith(pa + "#AUDIT#"))}
        assert {k: v for k, v in after.items() if k in untouched} == untouched, "another tenant's items, a lookup or an announcement changed"
        restored_keys = set(after) - set(before)
        assert restored_keys == set(lost), f"items written outside acme's lost ones: {restored_keys ^ set(lost)}"
        assert done["restored"] == len(lost) and done["kept_live"] == 2 and done["stale_parts"] == 1, done
        assert done["unchanged"] == len(a) - len(lost) - 3, done
        assert done["by_kind"]["AUDIT"] == 3 and done["by_kind"]["SUB"] == 1 and done["by_kind"]["PART"] == 3, done
        assert done["temporary_table"] not in tables(ddb), done

        # Run again: nothing left to restore.
        again = restore(*common, "--from-backup", backup_arn)
        assert again["restored"] == 0 and scan_all(ddb, table) == after, again

        # ---- --overwrite: the backup's items over acme's newer ones, never another tenant's lookup
        ddb.put_item(TableName=table, Item=item("SUB#sub-a1", "META", tenant=s("acme-2"), user=s("u7")))
        over = restore(*common, "--from-backup", backup_arn, "--overwrite")
        final = scan_all(ddb, table)
        assert same(final[(pa, "META")], at_backup[(pa, "META")]), "--overwrite did not restore the backed-up META"
        assert final[(pa, "PROJECT#p3")]["version"] == n(2) and same(final[(pa, "PART#p3#0000000002#000")], at_backup[(pa, "PART#p3#0000000002#000")])
        assert final[("SUB#sub-a1", "META")]["tenant"] == s("acme-2"), "--overwrite took another tenant's sign-in lookup"
        # Overwritten: META and p3 (back to version 2); restored: p3's version-2 part; the lookup a conflict.
        assert over["overwritten"] == 2 and over["restored"] == 1 and over["conflicts"] == 1, over
        assert over["unchanged"] == len(a) - 4 and over["kept_live"] == 0 and over["stale_parts"] == 0, over
        assert same(final[(pa, "PROJECT#p9")], created_later), "--overwrite removed an item created after the backup"

        # ---- point in time: moto restores the table as it is now, whatever the time -----
        ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        now = scan_all(ddb, table)
        pitr = restore(*common, "--point-in-time", "2025-06-01T09:00:00+09:00")
        assert scan_all(ddb, table) == now and pitr["restored"] == 0 and pitr["temporary_table"] not in tables(ddb), pitr

        # ---- a tenant whose key is pending deletion (contract ended) is refused ----------
        closed = kms.describe_key(KeyId=f"{prefix}closed")["KeyMetadata"]["KeyId"]
        kms.schedule_key_deletion(KeyId=closed, PendingWindowInDays=7)
        err = restore("--table", table, "--tenant", "closed", "--key-alias-prefix", prefix, "--from-backup", backup_arn, expect=2)
        assert "PendingDeletion" in err, err
        err = refused("--table", table, "--tenant", "nokey", "--key-alias-prefix", prefix, "--from-backup", backup_arn)
        assert "has no key" in err, err
    finally:
        for t in tables(ddb):
            if t.startswith(table):
                ddb.delete_table(TableName=t)

    print(
        f"restore: ok — dry run changed nothing; {done['restored']} lost items of acme restored, "
        f"{done['kept_live']} newer kept, {done['stale_parts']} stale part skipped, acme-2 untouched; "
        f"--overwrite {over['overwritten']} overwritten, other tenant's lookup kept; "
        "not on moto: point-in-time contents, AWS Backup recovery points, Osaka"
    )


if __name__ == "__main__":
    main()
