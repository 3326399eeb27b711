/**
 * Hand-written word lists of the PERSON detector: the cues that say a name follows (titles, greetings,
 * sign-offs, introductions, name-valued keys) and the proper nouns that are not people although name
 * lists contain them (places, companies, products, AI models, weekdays, months, nationalities). Facts,
 * written here; lower case; one space-separated string per list. The generated name lexicon
 * (names-data.ts) and these lists are merged into one table (lexicon.ts), so every word costs one probe.
 */

/** Honorifics and titles before a name, in several languages (a trailing '.' is allowed in text). */
export const TITLES =
  'mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend fr father sister brother herr frau hr ' +
  'mme mlle monsieur madame mademoiselle señor señora señorita sr sra srta dña doña dona don sig signor signora signorina ' +
  'dott dottssa dottor ing avv pan pani panie mevrouw mevr dhr meneer heer dhr mijnheer fru fröken hra rouva ' +
  'sheikh shaikh sheik haji hajji hajjah ustad ustaz mwalimu bwana bi mama baba chief capt captain col colonel gen general ' +
  'lt lieutenant sgt sergeant cpl officer detective det agent judge justice senator sen rep representative gov governor ' +
  'mayor coach nurse auntie aunty aunt uncle grandma grandpa господин госпожа гражданин г-н г-жа кирие κύριος κυρία ' +
  'smt shri sri shrimati kumari ji babu sahib begum khanum effendi bey hanım bay bayan sayın';

/** Greetings before a name ("Hi Maria,", "Dear Dr. Okafor"). */
export const GREETINGS =
  'hi hello hey heya hiya hallo hullo dear morning afternoon evening greetings howdy yo sup ' +
  'hola buenos buenas bonjour bonsoir salut coucou ciao salve buongiorno buonasera olá ola oi bom boa ' +
  'hej hei moin servus grüezi grüß gruess liebe lieber sehr geehrte geehrter beste geachte goedemorgen ' +
  'namaste namaskar salaam salam assalamu merhaba selam privet привет здравствуйте ahoj cześć witam szia shalom jambo habari sawubona';

/** Sign-offs after which a name follows, on the next line or after a comma or dash. */
export const SIGNOFFS =
  'thanks thank thx ty cheers regards best sincerely yours cordially respectfully warmly rgds br bw kr love xoxo talk ' +
  'cordialement amitiés bisous merci saludos atentamente gracias abrazos un abrazo danke grüße gruß grüssen mfg lg vg ' +
  'grazie saluti cordiali distinti obrigado obrigada atenciosamente abraços beijos groeten mvg hälsningar mvh hilsen ' +
  'pozdrawiam pozdravem pozdrav спасибо уважением asante ngiyabonga shukran teşekkürler saygılarımla';

/** Words that introduce one's own or someone's name: "my name is", "I'm", "this is", "call me", "je m'appelle". */
export const INTRODUCERS =
  "i'm im iam it's its this call named called name's appelle llamo heiße heisse heiße chiamo nome naam heter imię зовут soy sono bin suis ben";

/** Name particles inside a name (lower case in "Ludwig van Beethoven", "Ahmed bin Salman", "da Silva"). */
export const PARTICLES =
  'van von der den ter de la le da di du del della dei degli des dos das do bin binti bint ibn al el abu ben bat ' +
  'mac mc st ap ferch y e zu vom af av';

/** Prepositions and verbs after which a capitalised place-or-name word is a place ("in Austin", "flew to Florence"). */
export const LOCATIVES =
  'in at to from near via into around across outside inside toward towards through throughout visit visited visiting ' +
  'fly flew flying flight moved move relocated based located downtown office offices headquarters hq branch trip travel ' +
  'traveled travelled city town state county province region airport station campus nach aus bei en à au aux desde hacia para em no na';

/** Words that start a place name ("New York", "San Francisco", "Fort Worth"). */
export const PLACE_PREFIXES =
  'new san santa santo são sao los las saint st fort port mount mt lake north south east west upper lower great little ' +
  'rio puerto porto bad costa cape glen palm palo';

/** Suffixes that make the preceding words an organisation ("Johnson Ltd", "Morgan Stanley Bank"). */
export const ORG_SUFFIXES =
  'inc ltd llc llp plc gmbh ag sa sarl srl spa bv nv oy ab as asa co corp corporation company companies group holdings ' +
  'partners associates labs lab technologies technology tech systems solutions software services consulting capital ' +
  'ventures bank university college school institute academy hospital clinic foundation fund trust airlines airways ' +
  'motors industries international enterprises studios studio media records press publishing foods pharma pharmaceuticals ' +
  'street st avenue ave road rd boulevard blvd lane drive dr court way park square hall building tower center centre ' +
  'restaurant cafe hotel inn bar grill kitchen bakery store shop market mall team club fc united ' +
  'post times herald journal tribune news gazette daily weekly magazine monitor chronicle observer telegraph ' +
  'examiner inquirer courier sentinel register globe bulletin';

/** Weekdays and months (English, French, Spanish, German, Italian, Portuguese, Dutch) and their short forms. */
export const CALENDAR =
  'monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun ' +
  'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec ' +
  'lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août septembre octobre novembre décembre ' +
  'lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre ' +
  'montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz juni juli oktober dezember ' +
  'lunedì martedì mercoledì giovedì venerdì sabato gennaio febbraio aprile maggio giugno luglio agosto settembre ottobre dicembre ' +
  'segunda terça quarta quinta sexta janeiro fevereiro março maio junho julho setembro outubro novembro dezembro ' +
  'maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart mei augustus ' +
  'easter christmas xmas thanksgiving halloween ramadan diwali hanukkah eid';

/**
 * Places that name lists also contain (Austin, Florence, Sofia, Jordan …) and other common place names:
 * countries, US states, large cities, regions. A capitalised word here is a place unless the text
 * makes it a name (a surname after it, a title before it).
 */
export const PLACES =
  'austin florence sofia jordan paris london berlin madrid rome milan vienna prague warsaw moscow kyiv kiev dublin ' +
  'lisbon athens cairo lagos nairobi accra dakar tunis algiers casablanca johannesburg durban cape pretoria kampala kigali ' +
  'addis dubai doha riyadh tehran baghdad beirut damascus amman jerusalem istanbul ankara delhi mumbai bangalore bengaluru ' +
  'chennai kolkata hyderabad pune karachi lahore dhaka kathmandu colombo beijing shanghai shenzhen guangzhou hong kong ' +
  'taipei tokyo osaka kyoto seoul busan manila jakarta bangkok hanoi singapore sydney melbourne brisbane perth adelaide ' +
  'auckland wellington toronto montreal vancouver ottawa calgary quebec chicago houston phoenix philadelphia dallas denver ' +
  'seattle boston atlanta miami orlando tampa detroit portland vegas nashville memphis charlotte raleigh richmond baltimore ' +
  'cleveland columbus cincinnati pittsburgh milwaukee minneapolis louisville indianapolis sacramento oakland fresno ' +
  'tucson albuquerque omaha tulsa wichita madison lincoln jackson savannah charleston victoria regina halifax winnipeg ' +
  'edmonton lima bogota bogotá santiago quito caracas havana kingston panama montevideo asuncion brasilia rio salvador ' +
  'mexico guadalajara monterrey tijuana cancun barcelona valencia seville sevilla bilbao porto lyon marseille nice toulouse ' +
  'bordeaux lille nantes strasbourg munich münchen hamburg cologne köln frankfurt stuttgart düsseldorf dresden leipzig ' +
  'zurich zürich geneva genève basel bern brussels antwerp amsterdam rotterdam hague utrecht copenhagen stockholm oslo ' +
  'helsinki reykjavik tallinn riga vilnius budapest bucharest belgrade zagreb ljubljana sarajevo skopje tirana ' +
  'chester kent devon essex surrey york bristol leeds manchester liverpool glasgow edinburgh cardiff belfast oxford ' +
  'cambridge brighton bath windsor lancaster hamilton sheffield ' +
  'america usa canada brazil argentina chile peru colombia venezuela ecuador bolivia uruguay paraguay cuba haiti ' +
  'england scotland wales ireland britain france germany spain portugal italy greece turkey russia ukraine poland ' +
  'austria switzerland belgium netherlands holland denmark sweden norway finland iceland estonia latvia lithuania ' +
  'hungary romania bulgaria serbia croatia slovenia slovakia czechia bosnia albania macedonia moldova belarus georgia ' +
  'armenia azerbaijan kazakhstan uzbekistan egypt libya tunisia algeria morocco nigeria ghana kenya ethiopia somalia ' +
  'tanzania uganda rwanda congo angola zambia zimbabwe botswana namibia mozambique madagascar senegal mali niger chad ' +
  'sudan cameroon israel palestine lebanon syria iraq iran saudi arabia yemen oman qatar bahrain kuwait emirates ' +
  'afghanistan pakistan india nepal bangladesh lanka china japan korea taiwan mongolia vietnam thailand cambodia laos ' +
  'myanmar malaysia indonesia philippines australia zealand fiji samoa tonga europe asia africa oceania antarctica ' +
  'alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii idaho illinois indiana iowa ' +
  'kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri montana nebraska ' +
  'nevada hampshire jersey carolina dakota ohio oklahoma oregon pennsylvania rhode tennessee texas utah vermont virginia ' +
  'washington wisconsin wyoming ontario alberta manitoba saskatchewan bavaria bayern tuscany provence catalonia andalusia ' +
  'siberia patagonia sahara himalaya alps amazon nile danube thames rhine mississippi hudson';

/**
 * Companies, products, programming tools, AI models and vendors whose names are also people's names
 * in some name list (Claude, Gemini, Ford, Dell, Julia, Jenkins, Hugo …), or that often stand where a
 * name could: never a PERSON on their own.
 */
export const NON_PERSONS =
  // AI models, assistants and their vendors
  'claude gemini gemma llama mistral mixtral codestral ministral pixtral magistral devstral qwen phi grok falcon vicuna alpaca ' +
  'orca dolly bard palm bert roberta albert electra t5 whisper dall sora midjourney copilot cursor devin jasper perplexity ' +
  'cohere command jurassic titan nova ernie kimi deepseek baichuan yi chatglm glm internlm minimax doubao hunyuan nemotron ' +
  'granite jamba olmo starcoder wizardlm zephyr hermes tulu pythia bloom galactica ollama vllm langchain llamaindex ' +
  'haiku sonnet opus o1 o3 o4 gpt chatgpt openai anthropic deepmind google alexa siri cortana bixby watson einstein ' +
  'aria lumi pi replika character inflection xai groq together fireworks anyscale replicate huggingface hugging ' +
  // companies and brands; the placeholder companies of documentation and tests
  'acme contoso fabrikam globex initech northwind wingtip adatum litware proseware woodgrove hooli ' +
  'microsoft apple amazon meta facebook instagram whatsapp netflix nvidia intel amd ibm oracle salesforce adobe sap ' +
  'samsung sony lg panasonic toshiba hitachi fujitsu nec sharp canon nikon casio seiko honda toyota nissan mazda subaru ' +
  'suzuki yamaha kawasaki mitsubishi lexus hyundai kia tesla ford chevrolet chevy dodge chrysler jeep cadillac buick ' +
  'lincoln mercedes benz bmw audi porsche volkswagen vw opel skoda seat renault peugeot citroen fiat ferrari lamborghini ' +
  'maserati bugatti bentley jaguar volvo saab dell hp lenovo acer asus siemens bosch philips ericsson nokia boeing airbus ' +
  'lockheed raytheon disney pixar marvel warner paramount universal hilton marriott hyatt walmart target costco kroger ' +
  'nike adidas puma reebok gucci prada chanel dior hermes versace armani cartier tiffany rolex omega zara uniqlo ikea ' +
  'lego mattel hasbro nestle unilever pepsi coca cola kellogg heinz kraft mars hershey starbucks mcdonald mcdonalds ' +
  'wendy wendys denny dennys chipotle subway domino dominos kfc goldman morgan stanley chase barclays lloyds hsbc ' +
  'santander citi citigroup wells fargo schwab fidelity vanguard deloitte accenture kpmg pwc ernst mckinsey bain ' +
  'dyson gillette colgate johnson pfizer moderna novartis roche merck bayer sanofi astrazeneca glaxo uber lyft airbnb ' +
  'spotify shopify stripe paypal venmo square klarna twilio zoom slack discord telegram signal skype teams outlook ' +
  'gmail yahoo bing baidu alibaba tencent huawei xiaomi oppo vivo lenovo bytedance tiktok snapchat pinterest reddit ' +
  'twitter linkedin github gitlab bitbucket atlassian jira confluence trello asana notion figma canva miro airtable ' +
  'dropbox box zendesk hubspot intercom mailchimp sendgrid datadog splunk newrelic sentry pagerduty okta auth0 cloudflare ' +
  'akamai fastly vercel netlify heroku render fly digitalocean linode vultr hetzner ovh aws azure gcp firebase supabase ' +
  'mongodb mongo postgres postgresql mysql mariadb sqlite redis valkey memcached cassandra scylla couchbase couchdb ' +
  'neo4j elastic elasticsearch opensearch kibana logstash grafana prometheus loki tempo jaeger zipkin kafka pulsar ' +
  'rabbitmq celery sidekiq airflow luigi dagster prefect spark flink hadoop hive presto trino druid pinot clickhouse ' +
  'snowflake redshift bigquery databricks looker tableau metabase superset jupyter pandas numpy scipy keras torch ' +
  'pytorch tensorflow jax gradio streamlit django flask rails laravel symfony spring express nest next nuxt remix astro ' +
  'gatsby hugo jekyll angular react vue svelte ember jest mocha jasmine karma cypress selenium puppeteer playwright ' +
  'webpack babel rollup vite parcel esbuild deno bun node electron tauri flutter ionic xamarin unity unreal godot blender ' +
  'maya houdini linux debian ubuntu fedora centos alpine gentoo kali mint arch redhat suse windows macos ios android ' +
  'chrome chromium firefox safari edge opera brave vivaldi kubernetes docker podman helm istio envoy consul vault nomad ' +
  'terraform packer vagrant ansible chef puppet salt nginx apache tomcat jetty caddy traefik haproxy varnish squid ' +
  'jenkins travis circleci buildkite bamboo teamcity argo flux spinnaker tekton ' +
  // programming languages and formats
  'python java javascript typescript ruby rust go golang swift kotlin scala julia dart elixir erlang haskell perl lua ' +
  'pascal ada cobol fortran lisp clojure ocaml fsharp groovy matlab octave fortran solidity zig nim crystal ' +
  // nationalities and languages (capitalised, never names on their own)
  'english british american canadian mexican brazilian argentine chilean peruvian colombian french german spanish ' +
  'portuguese italian greek turkish russian ukrainian polish czech slovak hungarian romanian bulgarian serbian croatian ' +
  'dutch belgian swiss austrian danish swedish norwegian finnish icelandic irish scottish welsh chinese japanese korean ' +
  'vietnamese thai indonesian malaysian filipino indian pakistani bangladeshi nepali persian iranian iraqi arab arabic ' +
  'egyptian moroccan nigerian kenyan ghanaian ethiopian african asian european australian hebrew israeli hindi urdu ' +
  'bengali tamil telugu swahili yoruba igbo hausa zulu xhosa latin christian muslim jewish hindu buddhist catholic ' +
  'protestant orthodox';

/**
 * Keys whose value is a person's name (JSON, YAML, logs, form fields, e-mail and git headers). `name`
 * on its own is generic (tools, models and files have names too) and needs name-like words in the value.
 */
export const PERSON_KEYS =
  'author authors customer client contact assignee reporter patient employee firstname lastname fullname givenname ' +
  'familyname middlename surname surnames forename forenames displayname nickname maidenname sender recipient attendee attendees ' +
  'organizer organiser participant participants invitee invitees signer cosigner guardian spouse beneficiary applicant ' +
  'holder cardholder passenger guest member student teacher doctor physician nurse driver buyer seller landlord witness ' +
  'candidate interviewer interviewee manager supervisor approver requester requestor submitter committer maintainer ' +
  'speaker moderator person people emergency kin from to cc bcc reviewer reviewers owner user username attn attention ' +
  'signedoffby coauthoredby reviewedby ackedby testedby reportedby suggestedby helpedby';

/** Qualifiers before "name" that make it a person's name ("first_name", "customerName"). */
export const PERSON_NAME_QUALIFIERS =
  'first last full given family middle display legal maiden nick real preferred customer client contact user patient ' +
  'employee sender recipient holder cardholder account author owner guest member student person people parent mother ' +
  'father child spouse partner emergency billing shipping contact';

/**
 * Capitalised words that follow a greeting or sign-off and are not names ("Hi Team,", "Dear Customer",
 * "Thanks All", "Hello World"). Names after a cue are words of the name lexicon or capitalised words not here.
 */
export const NOT_NAMES_AFTER_CUES =
  'team teams all everyone everybody there world folks guys gang friends friend customer customers sir madam madame ' +
  'colleagues colleague support admin admins user users manager managers again both you yall y\'all so much lot lots ' +
  'in advance for so again very kindly and or the a an all sales hr it ops devops dev devs engineering product legal ' +
  'finance billing marketing security team! people members member partner partners client clients hiring recruiter ' +
  'reviewer reviewers maintainers contributors community ladies gentlemen sirs mate mates buddy pal dude bro boss ' +
  'chief doc love dear honey sweetie darling babe baby kids children mom mum dad mother father grandma grandpa ' +
  'morning afternoon evening night day today tomorrow there here guys, bot assistant model agent gpt ai';

/** Capitalised function words of other languages (German "Sie", polite "Usted") that are never names. */
export const FOREIGN_FUNCTION_WORDS =
  'sie ihr ihnen ich wir bitte rufen schreiben senden danke vielen herzlichen liebe grüße vous nous merci usted ustedes ' +
  'você vocês lei loro voi noi jij hij zij wij jullie u ni ni vi han hon ssn dob ein eine der die das und oder';

/**
 * Common words of chat and technical text that the name lists contain but the small English word
 * list behind COMMON lacks (a verb starting a request: "Ping Daniel", "Fax Maria"): marked COMMON,
 * so a capital letter alone does not make them a name.
 */
export const COMMON_EXTRA =
  'ping fax max temp meta logins refs op ninja emo manga nacho karma mayo sans situ heck aw bah ' +
  'drub elide laze sunder parley sync wiki blog vlog tweet poke nudge';

/** Articles, possessives and quantifiers before a noun. */
export const DETERMINERS = 'the a an this that these those my your our their his her its some any no every each another whose which what';

/**
 * Syllables of romanised Chinese (Hanyu Pinyin, without tones) and Korean (Revised Romanization and
 * the common McCune-Reischauer-style spellings) given names: "Zhiwei" is zhi+wei, "Ji-hoon" ji+hoon.
 * A word that is not listed but splits wholly into two or three of these is read as a given name.
 */
export const NAME_SYLLABLES =
  // pinyin
  'a ai an ang ao ba bai ban bang bao bei ben bi bian biao bin bing bo bu cai can cang cao ce cen ceng cha chai chan ' +
  'chang chao chen cheng chi chong chou chu chuan chuang chun chuo ci cong cui cun da dai dan dang dao de deng di dian ' +
  'diao die ding dong dou du duan dui dun duo e en er fa fan fang fei fen feng fu gai gan gang gao ge gen geng gong ' +
  'gou gu gua guan guang gui gun guo hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji ' +
  'jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun kai kan kang kao ke ken keng kong kou ku kuan kuang kui ' +
  'kun kuo lai lan lang lao le lei leng li lian liang liao lie lin ling liu long lou lu luan lun luo lv lü ma mai man ' +
  'mang mao mei men meng mi mian miao min ming mo mou mu na nai nan nang nao ne nei neng ni nian niang niao nie nin ' +
  'ning niu nong nu nuan nuo ou pan pang pei peng pi pian piao pin ping po pu qi qia qian qiang qiao qie qin qing ' +
  'qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru ruan rui run ruo sai san sang sao se sen seng sha ' +
  'shan shang shao she shen sheng shi shou shu shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta ' +
  'tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi ' +
  'xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yong you yu yuan yue yun ' +
  'za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuan zhuang ' +
  'zhui zhun zhuo zi zong zou zu zuan zui zun zuo ' +
  // Korean
  'min jun seo yeon ji hoon ha eun do yun su bin jae won ye jin hyun woo young soo sung jung hee kyung mi sook ja ' +
  'seung ho joon chan hye hyo yoon bo ra na da in gyu tae il yong gi ki sang dong chul hwan nam kwang myung sun ok ' +
  'joo ju seok suk hak hun sik wook geun jeong kyu beom bum yeong eon ah';

/** Romanised Korean, Chinese (pinyin) and Vietnamese family names (surnames the name lists spell otherwise or lack). */
export const ROMANISED_SURNAMES =
  'kim lee yi rhee park pak bak choi choe jung jeong chung kang cho jo yoon yun jang chang lim im han oh seo suh shin ' +
  'sin kwon gwon hwang ahn an song yoo yu ryu hong jeon jun ko go moon mun yang son sohn bae baek paek heo hur nam ' +
  'shim sim noh roh ha kwak gwak sung seong cha joo ju woo koo ku min jin chae won cheon bang gong hyun ham byun byeon ' +
  'yeom yeo choo chu seok seol gil yeon pyo myung ki ban geum ok yook maeng tak kook eo eun pyeon ye kyung bong ' +
  'hwangbo namgung jegal seonwoo dokgo ' +
  'wang li zhang liu chen huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie tang feng deng cao ' +
  'peng zeng xiao tian dong yuan pan jiang cai du ye cheng wei su lv lu ding ren shen yao cui zhong tan fan jin shi ' +
  'liao jia xia fu fang bai zou meng xiong qin qiu hou yin xue yan duan lei long tao mao hao gu shao wan qian dai mo ' +
  'kong xiang ou yang situ zhuge ouyang ' +
  'nguyen nguyễn tran trần le lê pham phạm hoang hoàng huynh huỳnh phan vu vũ vo võ dang đặng bui bùi do đỗ ho hồ ngo ngô duong dương ly lý';
