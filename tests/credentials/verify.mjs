// A third party's verifier (Digital Bazaar's VC stack), offline: checks credentials.
//
// node tests/credentials/verify.mjs CREDENTIAL.json... CONTEXT_URL=FILE... STATUS_URL=FILE...
// Every document the verifier may load is given as URL=FILE (the shipped JSON-LD contexts, the
// status list credential); did:key documents are computed from the key itself; any other URL is
// refused. Prints one JSON line per credential: {verified, errors, status: [{purpose, set}]}.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as didKey from '@digitalbazaar/did-method-key';
import {JsonLdDocumentLoader} from 'jsonld-document-loader';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const args = process.argv.slice(2);
const credentialFiles = args.filter(arg => !arg.includes('='));
const loader = new JsonLdDocumentLoader();
for(const pair of args.filter(arg => arg.includes('='))) {
  const at = pair.indexOf('=');
  loader.addStatic(pair.slice(0, at), JSON.parse(readFileSync(pair.slice(at + 1), 'utf8')));
}
const didKeyDriver = didKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from
});
loader.setDidResolver(didKeyDriver);
const documentLoader = loader.build();

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
for(const credentialFile of credentialFiles) {
  const credential = JSON.parse(readFileSync(credentialFile, 'utf8'));
  const result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader,
    checkStatus: async options => checkStatus({...options, suite})
  });
  const status = (result.statusResult?.results || []).map(r => ({
    purpose: r.credentialStatus.statusPurpose,
    set: r.status
  }));
  const errors = [];
  const collect = e => {
    if(!e) {
      return;
    }
    for(const one of Array.isArray(e) ? e : [e]) {
      errors.push(String(one.message || one));
      if(one.errors) {
        collect(one.errors);
      }
    }
  };
  collect(result.error);
  for(const r of result.results || []) {
    collect(r.error);
  }
  console.log(JSON.stringify({verified: result.verified, errors, status}));
}
