import { Field, InputType } from 'type-graphql';
import { ArrayMaxSize, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { EVENT_CATEGORIES, type EventCategoryName } from '../../domain/event-category';
import { IDENTITY_TYPES, type IdentityTypeName } from '../../domain/identity-type';
import type { SourceIpKind as SourceIpKindName } from '../../query/event-filter';
import { EventCategory, IdentityType, SourceIpKind } from '../enums';
import { JsonMatch } from './json-match.input';
import { TimeRange } from './time-range.input';
import { ACCESS_KEY_ID, ACCOUNT_ID, ARN, EVENT_NAME, EVENT_SOURCE, IsIpOrCidr, MAX_LIST, REGION } from './validators';

const list = { each: true } as const;

@InputType({ description: 'Which events a query covers. Every list is OR within itself; the fields AND together.' })
export class EventFilter {
  @Field(() => TimeRange, { description: 'Required on every query.' })
  @ValidateNested()
  range!: TimeRange;

  @Field(() => [String], { nullable: true, description: 'recipientAccountId (12 digits); the account folder for old records without one.' })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @Matches(ACCOUNT_ID, { ...list, message: 'accounts must be 12-digit AWS account ids' })
  accounts?: string[];

  @Field(() => [String], { nullable: true, description: 'awsRegion. us-east-1 partitions are still read for global-service events.' })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @Matches(REGION, { ...list, message: 'regions must look like us-east-1' })
  regions?: string[];

  @Field(() => [String], { nullable: true, description: 'awsRegion outside these (an allow-list of expected regions).' })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @Matches(REGION, { ...list, message: 'excludeRegions must look like us-east-1' })
  excludeRegions?: string[];

  @Field(() => [String], { nullable: true, description: 'e.g. "iam.amazonaws.com"' })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @Matches(EVENT_SOURCE, { ...list, message: 'eventSources must look like iam.amazonaws.com' })
  eventSources?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @Matches(EVENT_NAME, { ...list, message: 'eventNames must be API names like ConsoleLogin' })
  eventNames?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @Matches(EVENT_NAME, { ...list, message: 'excludeEventNames must be API names like ConsoleLogin' })
  excludeEventNames?: string[];

  @Field(() => [IdentityType], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(IDENTITY_TYPES.length)
  @IsIn(IDENTITY_TYPES as unknown as string[], list)
  identityTypes?: IdentityTypeName[];

  @Field(() => [String], { nullable: true, description: 'userIdentity.arn' })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @Matches(ARN, { ...list, message: 'principalArns must be ARNs' })
  principalArns?: string[];

  @Field(() => [String], { nullable: true, description: 'userIdentity.sessionContext.sessionIssuer.arn' })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @Matches(ARN, { ...list, message: 'roleArns must be ARNs' })
  roleArns?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @IsString(list)
  @MinLength(1, list)
  @MaxLength(256, list)
  userNames?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @Matches(ACCESS_KEY_ID, { ...list, message: 'accessKeyIds must be access key ids like AKIA...' })
  accessKeyIds?: string[];

  @Field(() => [String], { nullable: true, description: 'Addresses or CIDR blocks, v4 and v6.' })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @IsIpOrCidr()
  sourceIps?: string[];

  @Field(() => [String], { nullable: true, description: 'Not from these addresses or CIDR blocks (records without an address are kept).' })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @IsIpOrCidr()
  excludeSourceIps?: string[];

  @Field(() => [SourceIpKind], { nullable: true, description: 'What sourceIPAddress holds: an address, or an AWS service name / "AWS Internal".' })
  @IsOptional()
  @ArrayMaxSize(2)
  @IsIn(['IP_ADDRESS', 'AWS_SERVICE'], list)
  sourceIpKinds?: SourceIpKindName[];

  @Field({ nullable: true, description: 'Calls made with console session credentials (sessionCredentialFromConsole).' })
  @IsOptional()
  @IsBoolean()
  sessionCredentialFromConsole?: boolean;

  @Field({ nullable: true, description: 'Role sessions named after an EC2 instance id: credentials delivered to an instance.' })
  @IsOptional()
  @IsBoolean()
  instanceCredentials?: boolean;

  @Field({ nullable: true, description: 'Case-insensitive substring of userAgent.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  userAgentContains?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @IsString(list)
  @MinLength(1, list)
  @MaxLength(128, list)
  errorCodes?: string[];

  @Field({ nullable: true, description: 'errorCode or errorMessage present (failed console sign-ins carry only the message).' })
  @IsOptional()
  @IsBoolean()
  hasError?: boolean;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  readOnly?: boolean;

  @Field(() => [EventCategory], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(EVENT_CATEGORIES.length)
  @IsIn(EVENT_CATEGORIES as unknown as string[], list)
  categories?: EventCategoryName[];

  @Field({ nullable: true, description: 'userIdentity.accountId differs from the recipient account.' })
  @IsOptional()
  @IsBoolean()
  crossAccount?: boolean;

  @Field(() => [String], { nullable: true, description: 'resources[].ARN (or ARNPrefix)' })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @Matches(ARN, { ...list, message: 'resourceArns must be ARNs' })
  resourceArns?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @IsString(list)
  @MinLength(1, list)
  @MaxLength(128, list)
  eventIds?: string[];

  @Field(() => [JsonMatch], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @ValidateNested(list)
  requestParameters?: JsonMatch[];

  @Field(() => [JsonMatch], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @ValidateNested(list)
  responseElements?: JsonMatch[];

  @Field(() => [JsonMatch], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @ValidateNested(list)
  additionalEventData?: JsonMatch[];
}
