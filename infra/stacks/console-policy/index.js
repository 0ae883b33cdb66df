// Custom::RenfortConsolePolicy (see ../console-hosting.ts): writes the console's whole
// Content-Security-Policy into its CloudFront response headers policy, once the API and the
// documents bucket the policy names exist. CommonJS without dependencies: Lambda runs this file
// as it is, with the AWS SDK of its Node.js runtime; CDK's provider framework answers CloudFormation.

/**
 * The policy's other settings are kept as CloudFormation made them: only the CSP is replaced.
 * `call(operation, input)` sends one CloudFront request and resolves to its output.
 */
async function completePolicy(event, call) {
  const { PolicyId, ContentSecurityPolicy } = event.ResourceProperties;
  // The response headers policy goes with the stack: nothing of ours to remove.
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const current = await call('GetResponseHeadersPolicy', { Id: PolicyId });
  const config = current.ResponseHeadersPolicy.ResponseHeadersPolicyConfig;
  await call('UpdateResponseHeadersPolicy', {
    Id: PolicyId,
    IfMatch: current.ETag,
    ResponseHeadersPolicyConfig: {
      ...config,
      SecurityHeadersConfig: {
        ...config.SecurityHeadersConfig,
        ContentSecurityPolicy: { Override: true, ContentSecurityPolicy },
      },
    },
  });
  console.log(`Response headers policy ${PolicyId}: Content-Security-Policy ${ContentSecurityPolicy}`);
  return { PhysicalResourceId: PolicyId };
}

exports.completePolicy = completePolicy;

exports.handler = async (event) => {
  const sdk = require('@aws-sdk/client-cloudfront');
  const client = new sdk.CloudFrontClient({});
  return completePolicy(event, (operation, input) => client.send(new sdk[`${operation}Command`](input)));
};
