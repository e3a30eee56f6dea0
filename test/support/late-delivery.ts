import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** A raw delivery folder of a lake: `…/<account>/CloudTrail/<region>/YYYY/MM/DD` (outside the Parquet tier). */
export function findDayDir(lake: string, account: string, region: string, day: string): string {
  const [y, m, d] = day.split('-');
  const stack = [lake];
  while (stack.length) {
    const dir = stack.pop()!;
    if (dir.endsWith(path.join(account, 'CloudTrail', region, y, m, d))) return dir;
    if (dir.includes(`${path.sep}parquet`)) continue;
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) stack.push(path.join(dir, e.name));
  }
  throw new Error(`no folder for ${account}/${region}/${day}`);
}

/** Delivers records in a new gzip file of a folder (named as CloudTrail names files, `tag` last), as a late delivery would. */
export function deliverRecords(lake: string, folder: { account: string; region: string; day: string }, records: readonly unknown[], tag: string, at = '1205'): void {
  const { account, region, day } = folder;
  const name = `${account}_CloudTrail_${region}_${day.replace(/-/g, '')}T${at}Z_${tag}.json.gz`;
  writeFileSync(path.join(findDayDir(lake, account, region, day), name), gzipSync(JSON.stringify({ Records: records })));
}

/** A valid STS call by an IAM user of `account` at noon of `day`: the record late-delivery tests add. */
export function callerIdentityRecord(eventId: string, folder: { account: string; region: string; day: string }, user: string) {
  const { account, region, day } = folder;
  return {
    eventVersion: '1.08', eventID: eventId, eventTime: `${day}T12:00:00Z`, eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity',
    awsRegion: region, recipientAccountId: account, userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${account}:user/${user}`, accountId: account },
  };
}
