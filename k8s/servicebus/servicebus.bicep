// Azure Service Bus for the data pump: one namespace per environment holding both lanes' topics,
// subscriptions and queues. Deploy into a resource group with:
//   az deployment group create --resource-group <rg> \
//     --template-file k8s/servicebus/servicebus.bicep \
//     --parameters @k8s/servicebus/servicebus.prod.parameters.json

@description('Name of the Service Bus namespace (globally unique), e.g. sb-datapump-prod.')
param namespaceName string

@description('Region of the namespace.')
param location string = resourceGroup().location

@description('Standard, or Premium for dedicated capacity.')
@allowed([
  'Standard'
  'Premium'
])
param skuName string = 'Standard'

@description('Messaging units; used with Premium only.')
@allowed([
  1
  2
  4
  8
  16
])
param premiumMessagingUnits int = 1

@description('Entra ID only, no SAS keys: the pods and KEDA authenticate with workload identity.')
param disableLocalAuth bool = true

// The names, once: they must equal datapump.topology in src/main/resources/application.yaml
// (ServiceBusTopologyTest compares them). Each lane has its own entities; the lanes share none.
var topology = {
  billerSubscription: 'biller-consumer'
  itemSubscription: 'item-consumer'
  production: {
    billerTopic: 'data-pump-data-created'
    paymentTopic: 'data-pump-payment-created'
    paperlessRegistrationTopic: 'data-pump-paperless-registration-created'
    deadLetterQueue: 'data-pump-dead-letter'
    parkedQueue: 'data-pump-parked'
  }
  demo: {
    billerTopic: 'data-pump-data-created-demo'
    paymentTopic: 'data-pump-payment-created-demo'
    paperlessRegistrationTopic: 'data-pump-paperless-registration-created-demo'
    deadLetterQueue: 'data-pump-dead-letter-demo'
    parkedQueue: 'data-pump-parked-demo'
  }
}

var lanes = [
  topology.production
  topology.demo
]

var billerTopics = [for lane in lanes: lane.billerTopic]
var paymentTopics = [for lane in lanes: lane.paymentTopic]
var paperlessRegistrationTopics = [for lane in lanes: lane.paperlessRegistrationTopic]
var itemTopics = concat(paymentTopics, paperlessRegistrationTopics)
var deadLetterQueues = [for lane in lanes: lane.deadLetterQueue]
var parkedQueues = [for lane in lanes: lane.parkedQueue]
var queues = concat(deadLetterQueues, parkedQueues)

// Every subscription and queue. After 10 deliveries the broker dead-letters a message; the lock is renewed
// by the consumers while they work. The time to live (4 days) is longer than the app's longest kill date
// (72 h, demo), so the app's kill date decides, and an expired message is dead-lettered, never dropped.
var entitySettings = {
  maxDeliveryCount: 10
  lockDuration: 'PT1M'
  deadLetteringOnMessageExpiration: true
  defaultMessageTimeToLive: 'P4D'
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2021-11-01' = {
  name: namespaceName
  location: location
  sku: skuName == 'Premium' ? {
    name: 'Premium'
    tier: 'Premium'
    capacity: premiumMessagingUnits
  } : {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    minimumTlsVersion: '1.2'
    disableLocalAuth: disableLocalAuth
  }
}

// Biller topics: no duplicate detection. The app keeps its own published marker, and a message id here
// would suppress the legitimate continuation messages a full claim batch publishes.
resource billerTopicResources 'Microsoft.ServiceBus/namespaces/topics@2021-11-01' = [for name in billerTopics: {
  parent: serviceBus
  name: name
  properties: {
    supportOrdering: false
    requiresDuplicateDetection: false
    defaultMessageTimeToLive: entitySettings.defaultMessageTimeToLive
  }
}]

resource billerSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2021-11-01' = [for (name, i) in billerTopics: {
  parent: billerTopicResources[i]
  name: topology.billerSubscription
  properties: entitySettings
}]

// Item topics: no broker duplicate detection either. Camel 4.17's Service Bus producer cannot set a message's
// MessageId, so the broker would see a new id on every send and detect nothing. An item published twice is
// delivered once by the app itself: the item consumer's idempotent check on the shard's control record (and the
// CIS idempotency key). The window below is what to use once the producer can set MessageId; note that
// requiresDuplicateDetection can only be chosen when a topic is created.
@description('Broker duplicate detection on item topics (off: see above). Fixed at topic creation.')
param itemDuplicateDetection bool = false

@description('How long the broker remembers message ids when itemDuplicateDetection is on.')
param duplicateDetectionWindow string = 'PT10M'

resource itemTopicResources 'Microsoft.ServiceBus/namespaces/topics@2021-11-01' = [for name in itemTopics: {
  parent: serviceBus
  name: name
  properties: {
    supportOrdering: false
    requiresDuplicateDetection: itemDuplicateDetection
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    defaultMessageTimeToLive: entitySettings.defaultMessageTimeToLive
  }
}]

resource itemSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2021-11-01' = [for (name, i) in itemTopics: {
  parent: itemTopicResources[i]
  name: topology.itemSubscription
  properties: entitySettings
}]

// The dead-letter and parked queues of both lanes
resource queueResources 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' = [for name in queues: {
  parent: serviceBus
  name: name
  properties: entitySettings
}]

@description('The namespace name, as KEDA\'s triggers want it.')
output namespaceName string = serviceBus.name

@description('The namespace endpoint; its host is DATAPUMP_SERVICEBUS_NAMESPACE.')
output serviceBusEndpoint string = serviceBus.properties.serviceBusEndpoint
