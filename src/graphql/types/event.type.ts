import { Field, ObjectType } from 'type-graphql';
import type { EventCategoryName } from '../../domain/event-category';
import type { IdentityTypeName } from '../../domain/identity-type';
import type { EventResourceView, TlsDetailsView, UserIdentityView } from '../../mapping/views';
import { EventCategory, IdentityType } from '../enums';
import { DateTimeScalar, JSONScalar } from '../scalars';

@ObjectType({ description: 'userIdentity as recorded.' })
export class UserIdentity implements UserIdentityView {
  @Field(() => IdentityType) type!: IdentityTypeName;
  @Field(() => String, { nullable: true }) principalId!: string | null;
  @Field(() => String, { nullable: true }) arn!: string | null;
  @Field(() => String, { nullable: true }) accountId!: string | null;
  @Field(() => String, { nullable: true }) accessKeyId!: string | null;
  @Field(() => String, { nullable: true }) userName!: string | null;
  @Field(() => String, { nullable: true }) invokedBy!: string | null;
  @Field(() => String, { nullable: true, description: 'sessionContext.sessionIssuer.arn' }) roleArn!: string | null;
  @Field(() => String, { nullable: true, description: 'Role session name, from an assumed-role ARN.' }) sessionName!: string | null;
  @Field(() => Boolean, { nullable: true }) mfaAuthenticated!: boolean | null;
  @Field(() => DateTimeScalar, { nullable: true }) sessionCreatedAt!: Date | null;
  @Field(() => String, { nullable: true }) sourceIdentity!: string | null;
}

@ObjectType()
export class TlsDetails implements TlsDetailsView {
  @Field(() => String, { nullable: true }) tlsVersion!: string | null;
  @Field(() => String, { nullable: true }) cipherSuite!: string | null;
  @Field(() => String, { nullable: true }) clientProvidedHostHeader!: string | null;
}

@ObjectType({ description: 'An entry of resources[]; some carry only an ARNPrefix.' })
export class EventResource implements EventResourceView {
  @Field(() => String, { nullable: true }) arn!: string | null;
  @Field(() => String, { nullable: true }) arnPrefix!: string | null;
  @Field(() => String, { nullable: true }) accountId!: string | null;
  @Field(() => String, { nullable: true }) type!: string | null;
}

@ObjectType({ description: 'One CloudTrail record (duplicate deliveries count once).' })
export class Event {
  @Field({ description: 'eventID; "tg-<hash>" for the rare record without one.' }) eventId!: string;
  @Field(() => DateTimeScalar) eventTime!: Date;
  @Field(() => String, { nullable: true }) eventVersion!: string | null;
  @Field({ description: 'eventSource (for Insights events, the source they are about).' }) eventSource!: string;
  @Field() eventName!: string;
  @Field(() => String, { nullable: true }) eventType!: string | null;
  @Field(() => EventCategory, { nullable: true }) eventCategory!: EventCategoryName | null;
  @Field() awsRegion!: string;
  @Field(() => String, { nullable: true }) recipientAccountId!: string | null;
  @Field(() => String, { nullable: true }) sourceIpAddress!: string | null;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
  @Field(() => String, { nullable: true }) errorCode!: string | null;
  @Field(() => String, { nullable: true }) errorMessage!: string | null;
  @Field(() => Boolean, { nullable: true }) readOnly!: boolean | null;
  @Field(() => Boolean, { nullable: true }) managementEvent!: boolean | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => String, { nullable: true }) sharedEventId!: string | null;
  @Field(() => String, { nullable: true }) vpcEndpointId!: string | null;
  @Field(() => String, { nullable: true }) apiVersion!: string | null;
  @Field(() => Boolean, { nullable: true }) sessionCredentialFromConsole!: boolean | null;
  @Field(() => JSONScalar, { nullable: true }) requestParameters!: unknown;
  @Field(() => JSONScalar, { nullable: true }) responseElements!: unknown;
  @Field(() => JSONScalar, { nullable: true }) additionalEventData!: unknown;
  @Field(() => JSONScalar, { nullable: true }) serviceEventDetails!: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'insightDetails of CloudTrail Insights events.' }) insightDetails!: unknown;
  @Field(() => TlsDetails, { nullable: true }) tlsDetails!: TlsDetails | null;
  @Field(() => [EventResource]) resources!: EventResource[];
  @Field(() => UserIdentity, { description: 'As recorded.' }) userIdentity!: UserIdentity;
}
