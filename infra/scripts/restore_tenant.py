#!/usr/bin/env python3
"""Restore one tenant's records into the live table, from a backup or a point in time.

DynamoDB restores whole tables only, so the table is restored into a temporary table beside
the live one, that tenant's items are copied back from it, and the temporary table is
deleted. A tenant's items have one of these keys (shared/platform/src/aws/dynamo.rs and
identity/dynamo_lockout.rs):

    PK = TENANT#<tid>                   META, USER#…, EMAIL#…, ADMINGUARD, PROJECT#…, PART#…,
                                        AUDITHEAD, LIBITEM#…, LIBVER#…, LOCKOUT#…
    PK = TENANT#<tid>#AUDIT#<yyyy-mm>   the audit events of one month
    PK = SUB#<sub>, SK = META           the sign-in lookup of one of its users (tenant = <tid>)

Nothing else is touched: other tenants' items, the operator's announcements.

How each restored item is copied:
  * missing from the live table: written (on condition that it is still missing);
  * the same in the live table: left as it is;
  * different in the live table: the live item is newer than the restore point and is kept,
    unless --overwrite, which writes the restored item over it (a sign-in lookup that now
    belongs to another tenant is never overwritten: counted as a conflict);
  * a project's content parts follow their project: a part is written only for the version
    the project's main item has once the restore is done (parts of other versions are stale);
  * live items that the restore point lacks were created after it and are always kept.

--dry-run restores and reads the temporary table but writes nothing to the live table; the
counts then say what a run would do. The report is one JSON object on standard output.

Endpoint, region and credentials are boto3's usual ones (AWS_REGION, AWS_ENDPOINT_URL, a
profile...). The region must be in Japan: ap-northeast-1 (Tokyo) or ap-northeast-3 (Osaka).

    restore_tenant.py --table kyocho-prod-Table-XXXX --tenant acme \\
        --point-in-time 2025-06-01T09:00:00+09:00 --dry-run
    restore_tenant.py --table … --tenant acme --from-backup arn:aws:backup:…:recovery-point:… \\
        --restore-role arn:aws:iam::…:role/…BackupRole…

Exit status: 0 done; 2 refused (arguments, region, a missing live table, the tenant's key not
enabled, a time outside the point-in-time window): nothing was written; 1 any other failure.
The temporary table is deleted whatever happens; its name is printed if that fails too.
"""

import argparse
import datetime
import json
import os
import re
import sys
import time

import boto3
from botocore.exceptions import ClientError

JAPAN = ("ap-northeast-1", "ap-northeast-3")
TENANT_ID = re.compile(r"[a-z0-9_-]{1,64}")
PART_SK = re.compile(r"PART#(?P<pid>[a-z0-9_-]{1,64})#(?P<version>[0-9]{10})#[0-9]{3}")
DEFAULT_ALIAS_PREFIX = "alias/kyocho/tenant/"
BATCH_GET = 100


class Refused(Exception):
    """Arguments or a state that the restore must not go on with."""


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="restore_tenant.py",
        description="Restore one tenant's items from a backup or a point in time (see the module text).",
    )
    p.add_argument("--table", required=True, help="the live table")
    p.add_argument("--tenant", required=True, help="the tenant id: 1-64 characters of a-z 0-9 - _")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--from-backup",
        metavar="ARN",
        help="a DynamoDB backup (arn:…:dynamodb:…:table/…/backup/…) or an AWS Backup recovery point (arn:…:backup:…:recovery-point:…)",
    )
    source.add_argument(
        "--point-in-time",
        metavar="ISO8601",
        help="a time with its offset, e.g. 2025-06-01T09:00:00+09:00, within the table's point-in-time window",
    )
    p.add_argument("--dry-run", action="store_true", help="count what would be written; write nothing to the live table")
    p.add_argument("--overwrite", action="store_true", help="write restored items over live items that differ")
    p.add_argument("--restore-role", metavar="ARN", help="the role AWS Backup restores a recovery point with (the stack's BackupRoleArn output)")
    p.add_argument("--key-alias-prefix", default=DEFAULT_ALIAS_PREFIX, help="alias prefix of the tenants' KMS keys (the stack's KeyAliasPrefix)")
    p.add_argument("--skip-key-check", action="store_true", help="do not require the tenant's KMS key to be enabled")
    p.add_argument("--wait-minutes", type=int, default=360, help="how long to wait for the temporary table (default 360)")
    return p.parse_args(argv)


def check_tenant(tenant):
    if not TENANT_ID.fullmatch(tenant):
        raise Refused(f"tenant id {tenant!r} is not 1-64 characters of a-z, 0-9, '-' or '_'")
    return tenant


def parse_time(text):
    try:
        t = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise Refused(f"--point-in-time {text!r} is not an ISO 8601 time") from None
    if t.tzinfo is None:
        raise Refused(f"--point-in-time {text!r} has no offset: write +09:00 (Japan) or Z (UTC)")
    return t


def parse_backup_arn(arn, region, restore_role):
    """("dynamodb" | "backup", arn) for a backup in `region`; refuses anything else."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise Refused(f"--from-backup {arn!r} is not an ARN")
    _, _, service, arn_region, _, resource = parts
    if arn_region not in JAPAN:
        raise Refused(f"the backup is in {arn_region!r}: only backups in Japan ({', '.join(JAPAN)}) are restored")
    if arn_region != region:
        raise Refused(f"the backup is in {arn_region} but the session's region is {region}: set AWS_REGION={arn_region}")
    if service == "dynamodb" and resource.startswith("table/") and "/backup/" in resource:
        return "dynamodb"
    if service == "backup" and resource.startswith("recovery-point:"):
        if not restore_role:
            raise Refused("an AWS Backup recovery point is restored with a role: give --restore-role (the stack's BackupRoleArn output)")
        return "backup"
    raise Refused(f"--from-backup {arn!r} is neither a DynamoDB backup nor an AWS Backup recovery point")


def temporary_name(table, tenant):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    suffix = f"-restore-{tenant}-{stamp}"
    return table[: 255 - len(suffix)] + suffix


# ---- the tenant's items -----------------------------------------------------------------


def owned_by(item, tenant):
    pk = item["PK"]["S"]
    return (
        pk == f"TENANT#{tenant}"
        or pk.startswith(f"TENANT#{tenant}#AUDIT#")
        or (pk.startswith("SUB#") and item.get("tenant") == {"S": tenant})
    )


def kind(item):
    pk, sk = item["PK"]["S"], item["SK"]["S"]
    if pk.startswith("SUB#"):
        return "SUB"
    if "#AUDIT#" in pk:
        return "AUDIT"
    return sk.split("#", 1)[0]


def key_of(item):
    return (item["PK"]["S"], item["SK"]["S"])


def normalised(item):
    """An item comparable with another: sets in a fixed order."""

    def value(v):
        (t, x), = v.items()
        if t in ("SS", "NS", "BS"):
            return (t, tuple(sorted(x)))
        if t == "L":
            return (t, tuple(value(e) for e in x))
        if t == "M":
            return (t, tuple(sorted((k, value(e)) for k, e in x.items())))
        return (t, x)

    return {k: value(v) for k, v in item.items()}


def scan_tenant(ddb, table, tenant):
    """Every item of `tenant` in `table`: one scan, since the audit months and the lookups are
    not known beforehand. The filter only trims the transfer (`TENANT#acme` also starts
    `TENANT#acme-2`); `owned_by` decides."""
    items = []
    pages = ddb.get_paginator("scan").paginate(
        TableName=table,
        ConsistentRead=True,
        FilterExpression="begins_with(PK, :tenant) OR begins_with(PK, :sub)",
        ExpressionAttributeValues={":tenant": {"S": f"TENANT#{tenant}"}, ":sub": {"S": "SUB#"}},
    )
    for page in pages:
        items.extend(i for i in page.get("Items", []) if owned_by(i, tenant))
    return items


def get_live(ddb, table, keys):
    """The live items with these keys, by key (strongly consistent)."""
    found = {}
    keys = list(keys)
    for start in range(0, len(keys), BATCH_GET):
        request = {table: {"Keys": [{"PK": {"S": pk}, "SK": {"S": sk}} for pk, sk in keys[start : start + BATCH_GET]], "ConsistentRead": True}}
        pause = 0.05
        while request:
            out = ddb.batch_get_item(RequestItems=request)
            for item in out.get("Responses", {}).get(table, []):
                found[key_of(item)] = item
            request = out.get("UnprocessedKeys") or None
            if request:
                time.sleep(pause)
                pause = min(pause * 2, 2.0)
    return found


def live_partition_keys(ddb, table, tenant):
    keys = set()
    pages = ddb.get_paginator("query").paginate(
        TableName=table,
        KeyConditionExpression="#pk = :pk",
        ExpressionAttributeNames={"#pk": "PK", "#sk": "SK"},
        ExpressionAttributeValues={":pk": {"S": f"TENANT#{tenant}"}},
        ProjectionExpression="#pk, #sk",
    )
    for page in pages:
        keys.update(key_of(i) for i in page.get("Items", []))
    return keys


def version(item):
    try:
        return int(item["version"]["N"])
    except (KeyError, TypeError, ValueError):
        return None


# ---- deciding and writing ---------------------------------------------------------------


def decide(item, live, tenant, overwrite):
    if live is None:
        return "restore"
    if normalised(live) == normalised(item):
        return "unchanged"
    if item["PK"]["S"].startswith("SUB#") and live.get("tenant") != {"S": tenant}:
        return "conflict"
    return "overwrite" if overwrite else "keep_live"


def part_of(item, tenant):
    """The (project id, version) of a project content part; None for any other item."""
    m = PART_SK.fullmatch(item["SK"]["S"]) if item["PK"]["S"] == f"TENANT#{tenant}" else None
    return (m["pid"], int(m["version"])) if m else None


def plan(backup_items, live, tenant, overwrite):
    """[(item, action)] for every restored item, parts after their projects."""
    parts = [i for i in backup_items if part_of(i, tenant)]
    others = [i for i in backup_items if not part_of(i, tenant)]
    decided = [(item, decide(item, live.get(key_of(item)), tenant, overwrite)) for item in others]

    # The version each project's main item has once the restore is done.
    pk = f"TENANT#{tenant}"
    after = {}
    for (p, sk), item in live.items():
        if p == pk and sk.startswith("PROJECT#"):
            after[sk[len("PROJECT#") :]] = version(item)
    for item, action in decided:
        sk = item["SK"]["S"]
        if item["PK"]["S"] == pk and sk.startswith("PROJECT#") and action in ("restore", "overwrite"):
            after[sk[len("PROJECT#") :]] = version(item)

    for item in parts:
        pid, part_version = part_of(item, tenant)
        if after.get(pid) != part_version:
            decided.append((item, "stale_part"))
        else:
            decided.append((item, decide(item, live.get(key_of(item)), tenant, overwrite)))
    return decided


def write(ddb, table, item, action, live, tenant):
    """Write one item; False when the live table changed under us (the live item is kept)."""
    put = {"TableName": table, "Item": item}
    if action == "restore":
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    elif item["PK"]["S"].startswith("SUB#"):
        put["ConditionExpression"] = "attribute_not_exists(PK) OR #tenant = :tid"
        put["ExpressionAttributeNames"] = {"#tenant": "tenant"}
        put["ExpressionAttributeValues"] = {":tid": {"S": tenant}}
    elif live is not None and version(live) is not None:
        put["ConditionExpression"] = "#v = :seen"
        put["ExpressionAttributeNames"] = {"#v": "version"}
        put["ExpressionAttributeValues"] = {":seen": live["version"]}
    try:
        ddb.put_item(**put)
        return True
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise


# ---- restoring the temporary table ------------------------------------------------------


def wait_active(ddb, table, deadline):
    pause = 0.2
    while True:
        try:
            status = ddb.describe_table(TableName=table)["Table"]["TableStatus"]
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
            status = "absent"
        if status == "ACTIVE":
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"the temporary table {table} is still {status} after the wait")
        time.sleep(pause)
        pause = min(pause * 2, 30.0)


def restore_whole_table(session, args, source_kind, temp, deadline):
    ddb = session.client("dynamodb")
    if args.point_in_time:
        try:
            ddb.restore_table_to_point_in_time(
                SourceTableName=args.table,
                TargetTableName=temp,
                RestoreDateTime=parse_time(args.point_in_time),
                BillingModeOverride="PAY_PER_REQUEST",
            )
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "InvalidRestoreTimeException":
                raise
            window = ddb.describe_continuous_backups(TableName=args.table)["ContinuousBackupsDescription"]
            window = window.get("PointInTimeRecoveryDescription", {})
            raise Refused(
                f"--point-in-time {args.point_in_time} is outside the table's window "
                f"{window.get('EarliestRestorableDateTime')} .. {window.get('LatestRestorableDateTime')}"
            ) from None
    elif source_kind == "dynamodb":
        ddb.restore_table_from_backup(TargetTableName=temp, BackupArn=args.from_backup, BillingModeOverride="PAY_PER_REQUEST")
    else:
        backup = session.client("backup")
        job = backup.start_restore_job(
            RecoveryPointArn=args.from_backup,
            IamRoleArn=args.restore_role,
            ResourceType="DynamoDB",
            Metadata={"targetTableName": temp},
        )["RestoreJobId"]
        pause = 1.0
        while True:
            described = backup.describe_restore_job(RestoreJobId=job)
            status = described.get("Status")
            if status == "COMPLETED":
                break
            if status in ("ABORTED", "FAILED"):
                raise RuntimeError(f"AWS Backup restore job {job} {status}: {described.get('StatusMessage', '')}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"AWS Backup restore job {job} is still {status} after the wait")
            time.sleep(pause)
            pause = min(pause * 2, 30.0)
    wait_active(ddb, temp, deadline)


def check_live_table(ddb, table):
    try:
        schema = ddb.describe_table(TableName=table)["Table"]["KeySchema"]
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            raise Refused(f"no live table {table}: a lost table is restored whole, not tenant by tenant (docs/operations/restore.md)") from None
        raise
    keys = {k["KeyType"]: k["AttributeName"] for k in schema}
    if keys != {"HASH": "PK", "RANGE": "SK"}:
        raise Refused(f"{table} is not keyed PK/SK: {schema}")


def check_tenant_key(session, prefix, tenant):
    """The tenant's key must be usable: its sealed content is unreadable otherwise, and a
    tenant whose key was destroyed (contract ended) must not come back."""
    try:
        state = session.client("kms").describe_key(KeyId=f"{prefix}{tenant}")["KeyMetadata"]["KeyState"]
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") == "NotFoundException":
            raise Refused(f"tenant {tenant} has no key {prefix}{tenant}: its data cannot be opened, or its contract ended") from None
        raise
    if state != "Enabled":
        raise Refused(f"tenant {tenant}'s key is {state}: its data cannot be opened, or its contract ended")


def run(args):
    tenant = check_tenant(args.tenant)
    if args.point_in_time:
        parse_time(args.point_in_time)
    session = boto3.session.Session()
    region = session.region_name or os.environ.get("AWS_REGION")
    session = boto3.session.Session(region_name=region)
    if region not in JAPAN:
        raise Refused(f"the session's region is {region!r}: restores run in Japan only ({', '.join(JAPAN)})")
    source_kind = parse_backup_arn(args.from_backup, region, args.restore_role) if args.from_backup else "pitr"
    ddb = session.client("dynamodb")
    check_live_table(ddb, args.table)
    if not args.skip_key_check:
        check_tenant_key(session, args.key_alias_prefix, tenant)

    temp = temporary_name(args.table, tenant)
    report = {
        "table": args.table,
        "tenant": tenant,
        "region": region,
        "source": {"backup": args.from_backup} if args.from_backup else {"point_in_time": args.point_in_time},
        "dry_run": args.dry_run,
        "overwrite": args.overwrite,
        "temporary_table": temp,
    }
    deadline = time.monotonic() + args.wait_minutes * 60
    started = False
    try:
        started = True
        restore_whole_table(session, args, source_kind, temp, deadline)
        backup_items = scan_tenant(ddb, temp, tenant)
        backup_keys = {key_of(i) for i in backup_items}
        project_keys = {(f"TENANT#{tenant}", f"PROJECT#{part[0]}") for part in map(lambda i: part_of(i, tenant), backup_items) if part}
        live = get_live(ddb, args.table, backup_keys | project_keys)
        counts = {a: 0 for a in ("restored", "overwritten", "unchanged", "kept_live", "stale_parts", "conflicts")}
        by_kind = {}
        names = {"restore": "restored", "overwrite": "overwritten", "unchanged": "unchanged", "keep_live": "kept_live", "stale_part": "stale_parts", "conflict": "conflicts"}
        for item, action in plan(backup_items, live, tenant, args.overwrite):
            by_kind[kind(item)] = by_kind.get(kind(item), 0) + 1
            if action in ("restore", "overwrite") and not args.dry_run:
                if not write(ddb, args.table, item, action, live.get(key_of(item)), tenant):
                    action = "keep_live"
            counts[names[action]] += 1
        report["items_in_restore_point"] = len(backup_items)
        report["by_kind"] = dict(sorted(by_kind.items()))
        report.update(counts)
        report["live_only"] = len(live_partition_keys(ddb, args.table, tenant) - backup_keys)
    finally:
        if started:
            report["temporary_table_deleted"] = delete_table(ddb, temp)
    return report


def delete_table(ddb, table):
    try:
        ddb.delete_table(TableName=table)
        return True
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return True
        print(f"restore_tenant: could not delete the temporary table {table}: {e}", file=sys.stderr)
        return False


def main(argv=None):
    args = parse_args(argv)
    try:
        report = run(args)
    except Refused as e:
        print(f"restore_tenant: {e}", file=sys.stderr)
        return 2
    except (ClientError, RuntimeError) as e:
        print(f"restore_tenant: {e}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
