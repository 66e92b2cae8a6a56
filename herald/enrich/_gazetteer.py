"""Places the entity finder recognises by name: the world's countries (with other names they go by and the
adjectives and demonyms that point at them), US states, large and often-reported cities, and regions in the
news.

Each line is ``Canonical name|other name|...`` optionally followed by ``: Demonym|...``; every name and
demonym maps to the canonical name. US states carry their AP abbreviations where those are not also words.
Kept as text so that adding a place is adding a line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

_COUNTRIES = """
Afghanistan: Afghan|Afghans
Albania: Albanian|Albanians
Algeria: Algerian|Algerians
Andorra: Andorran
Angola: Angolan|Angolans
Antigua and Barbuda
Argentina: Argentine|Argentinian|Argentinians|Argentines
Armenia: Armenian|Armenians
Australia: Australian|Australians|Aussie|Aussies
Austria: Austrian|Austrians
Azerbaijan: Azerbaijani|Azeri|Azerbaijanis
Bahamas|The Bahamas: Bahamian
Bahrain: Bahraini|Bahrainis
Bangladesh: Bangladeshi|Bangladeshis
Barbados: Barbadian
Belarus: Belarusian|Belarusians
Belgium: Belgian|Belgians
Belize: Belizean
Benin: Beninese
Bhutan: Bhutanese
Bolivia: Bolivian|Bolivians
Bosnia and Herzegovina|Bosnia: Bosnian|Bosnians
Botswana: Motswana|Batswana
Brazil|Brasil: Brazilian|Brazilians
Brunei: Bruneian
Bulgaria: Bulgarian|Bulgarians
Burkina Faso: Burkinabe
Burundi: Burundian
Cambodia: Cambodian|Cambodians
Cameroon: Cameroonian|Cameroonians
Canada: Canadian|Canadians
Cape Verde|Cabo Verde: Cape Verdean
Central African Republic
Chad: Chadian|Chadians
Chile: Chilean|Chileans
China|PRC|People's Republic of China: Chinese
Colombia: Colombian|Colombians
Comoros: Comorian
Congo|Republic of the Congo|Democratic Republic of the Congo|DRC|DR Congo: Congolese
Costa Rica: Costa Rican|Costa Ricans
Croatia: Croatian|Croatians|Croat|Croats
Cuba: Cuban|Cubans
Cyprus: Cypriot|Cypriots
Czech Republic|Czechia: Czech|Czechs
Denmark: Danish|Dane|Danes
Djibouti: Djiboutian
Dominica
Dominican Republic: Dominican|Dominicans
East Timor|Timor-Leste: Timorese
Ecuador: Ecuadorian|Ecuadorians
Egypt: Egyptian|Egyptians
El Salvador: Salvadoran|Salvadorans
Equatorial Guinea
Eritrea: Eritrean|Eritreans
Estonia: Estonian|Estonians
Eswatini|Swaziland: Swazi
Ethiopia: Ethiopian|Ethiopians
Fiji: Fijian|Fijians
Finland: Finnish|Finn|Finns
France: French|Frenchman|Frenchwoman
Gabon: Gabonese
Gambia|The Gambia: Gambian
Georgia: Georgian|Georgians
Germany: German|Germans
Ghana: Ghanaian|Ghanaians
Greece: Greek|Greeks
Grenada: Grenadian
Guatemala: Guatemalan|Guatemalans
Guinea: Guinean
Guinea-Bissau
Guyana: Guyanese
Haiti: Haitian|Haitians
Honduras: Honduran|Hondurans
Hungary: Hungarian|Hungarians
Iceland: Icelandic|Icelander|Icelanders
India: Indian|Indians
Indonesia: Indonesian|Indonesians
Iran: Iranian|Iranians
Iraq: Iraqi|Iraqis
Ireland|Republic of Ireland|Eire: Irish
Israel: Israeli|Israelis
Italy|Italia: Italian|Italians
Ivory Coast|Cote d'Ivoire: Ivorian|Ivorians
Jamaica: Jamaican|Jamaicans
Japan: Japanese
Jordan: Jordanian|Jordanians
Kazakhstan: Kazakh|Kazakhs
Kenya: Kenyan|Kenyans
Kiribati
Kosovo: Kosovar|Kosovan
Kuwait: Kuwaiti|Kuwaitis
Kyrgyzstan: Kyrgyz
Laos: Lao|Laotian
Latvia: Latvian|Latvians
Lebanon: Lebanese
Lesotho: Basotho
Liberia: Liberian|Liberians
Libya: Libyan|Libyans
Liechtenstein
Lithuania: Lithuanian|Lithuanians
Luxembourg: Luxembourgish
Madagascar: Malagasy
Malawi: Malawian|Malawians
Malaysia: Malaysian|Malaysians
Maldives: Maldivian
Mali: Malian|Malians
Malta: Maltese
Marshall Islands
Mauritania: Mauritanian
Mauritius: Mauritian
Mexico|México: Mexican|Mexicans
Micronesia
Moldova: Moldovan|Moldovans
Monaco: Monegasque
Mongolia: Mongolian|Mongolians
Montenegro: Montenegrin
Morocco: Moroccan|Moroccans
Mozambique: Mozambican
Myanmar|Burma: Burmese
Namibia: Namibian|Namibians
Nauru
Nepal: Nepali|Nepalese
Netherlands|The Netherlands|Holland: Dutch
New Zealand: New Zealander|New Zealanders|Kiwi|Kiwis
Nicaragua: Nicaraguan|Nicaraguans
Niger: Nigerien
Nigeria: Nigerian|Nigerians
North Korea|DPRK: North Korean|North Koreans
North Macedonia|Macedonia: Macedonian|Macedonians
Norway: Norwegian|Norwegians
Oman: Omani|Omanis
Pakistan: Pakistani|Pakistanis
Palau
Palestine|Palestinian Territories: Palestinian|Palestinians
Panama: Panamanian|Panamanians
Papua New Guinea
Paraguay: Paraguayan|Paraguayans
Peru: Peruvian|Peruvians
Philippines|The Philippines: Filipino|Filipinos|Philippine
Poland: Polish|Pole|Poles
Portugal: Portuguese
Qatar: Qatari|Qataris
Romania: Romanian|Romanians
Russia|Russian Federation: Russian|Russians
Rwanda: Rwandan|Rwandans
Saint Kitts and Nevis
Saint Lucia
Saint Vincent and the Grenadines
Samoa: Samoan
San Marino
Sao Tome and Principe
Saudi Arabia: Saudi|Saudis
Senegal: Senegalese
Serbia: Serbian|Serbians|Serb|Serbs
Seychelles
Sierra Leone: Sierra Leonean
Singapore: Singaporean|Singaporeans
Slovakia: Slovak|Slovaks|Slovakian
Slovenia: Slovenian|Slovenians|Slovene
Solomon Islands
Somalia: Somali|Somalis|Somalian|Somalian
South Africa: South African|South Africans
South Korea|Korea|Republic of Korea: South Korean|South Koreans|Korean|Koreans
South Sudan: South Sudanese
Spain|España: Spanish|Spaniard|Spaniards
Sri Lanka: Sri Lankan|Sri Lankans
Sudan: Sudanese
Suriname: Surinamese
Sweden: Swedish|Swede|Swedes
Switzerland: Swiss
Syria: Syrian|Syrians
Taiwan: Taiwanese
Tajikistan: Tajik|Tajiks
Tanzania: Tanzanian|Tanzanians
Thailand: Thai|Thais
Togo: Togolese
Tonga: Tongan
Trinidad and Tobago: Trinidadian
Tunisia: Tunisian|Tunisians
Turkey|Türkiye: Turkish|Turk|Turks
Turkmenistan: Turkmen
Tuvalu
Uganda: Ugandan|Ugandans
Ukraine: Ukrainian|Ukrainians
United Arab Emirates|UAE|Emirates: Emirati|Emiratis
United Kingdom|UK|U.K.|Britain|Great Britain: British|Briton|Britons|Brit|Brits
United States|US|U.S.|USA|U.S.A.|America|United States of America: American|Americans
Uruguay: Uruguayan|Uruguayans
Uzbekistan: Uzbek|Uzbeks
Vanuatu
Vatican|Vatican City|Holy See
Venezuela: Venezuelan|Venezuelans
Vietnam|Viet Nam: Vietnamese
Yemen: Yemeni|Yemenis
Zambia: Zambian|Zambians
Zimbabwe: Zimbabwean|Zimbabweans
"""

_REGIONS = """
England: English
Scotland: Scottish|Scot|Scots
Wales: Welsh
Northern Ireland
Catalonia|Catalunya: Catalan|Catalans
Basque Country: Basque
Bavaria: Bavarian
Sicily: Sicilian
Corsica: Corsican
Greenland: Greenlandic
Puerto Rico: Puerto Rican|Puerto Ricans
Hong Kong
Macau|Macao
Tibet: Tibetan|Tibetans
Xinjiang
Kashmir: Kashmiri
Punjab: Punjabi
Crimea: Crimean
Donbas|Donbass
Chechnya: Chechen|Chechens
Kurdistan: Kurdish|Kurd|Kurds
Gaza|Gaza Strip
West Bank
Golan Heights
Sinai
Darfur
Europe: European|Europeans
Asia: Asian|Asians
Africa: African|Africans
Latin America: Latin American
South America: South American
North America: North American
Middle East: Middle Eastern
Scandinavia: Scandinavian
Balkans: Balkan
Caribbean
Antarctica: Antarctic
Arctic
Siberia: Siberian
Patagonia
Sahara|Sahel
"""

_US_STATES = """
Alabama
Alaska: Alaskan|Alaskans
Arizona|Ariz.
Arkansas
California|Calif.: Californian|Californians
Colorado|Colo.
Connecticut|Conn.
Delaware
Florida|Fla.: Floridian|Floridians
Hawaii: Hawaiian
Idaho
Illinois
Indiana
Iowa
Kansas
Kentucky
Louisiana
Maine
Maryland
Massachusetts
Michigan|Mich.
Minnesota|Minn.
Mississippi
Missouri
Montana
Nebraska|Neb.
Nevada|Nev.
New Hampshire
New Jersey
New Mexico
New York State
North Carolina
North Dakota
Ohio
Oklahoma|Okla.
Oregon
Pennsylvania
Rhode Island
South Carolina
South Dakota
Tennessee|Tenn.
Texas|Tex.: Texan|Texans
Utah
Vermont
Virginia
Washington State
West Virginia
Wisconsin|Wis.
Wyoming|Wyo.
"""

_CITIES = """
New York|New York City|NYC|NY|N.Y.|Manhattan|Brooklyn|Bronx|Queens: New Yorker|New Yorkers
Los Angeles|L.A.
Chicago
Houston
Phoenix
Philadelphia
San Antonio
San Diego
Dallas
San Francisco
San Jose
Austin
Seattle
Denver
Boston
Detroit
Miami
Atlanta
Las Vegas
Baltimore
Minneapolis
New Orleans
Cleveland
Pittsburgh
St. Louis|St Louis
Nashville
Portland
Sacramento
Orlando
Tampa
Washington|Washington D.C.|Washington DC
Toronto
Montreal|Montréal
Vancouver
Ottawa
Calgary
Mexico City
Havana
Bogota|Bogotá
Lima
Caracas
Santiago
Buenos Aires
Sao Paulo|São Paulo
Rio de Janeiro|Rio
Brasilia|Brasília
Quito
Montevideo
London|Londoner|Londoners
Manchester
Birmingham
Liverpool
Leeds
Glasgow
Edinburgh
Cardiff
Belfast
Dublin
Paris|Parisian|Parisians
Marseille|Marseilles
Lyon
Berlin
Hamburg
Munich|München
Frankfurt
Cologne|Köln
Amsterdam
Rotterdam
The Hague
Brussels
Antwerp
Luxembourg City
Geneva|Genève
Zurich|Zürich
Bern
Vienna|Wien
Prague|Praha
Budapest
Warsaw|Warszawa
Krakow|Kraków
Copenhagen
Stockholm
Oslo
Helsinki
Reykjavik
Madrid
Barcelona
Valencia
Seville|Sevilla
Lisbon|Lisboa
Porto
Rome|Roma
Milan|Milano
Naples|Napoli
Turin|Torino
Florence|Firenze
Venice|Venezia
Palermo
Athens
Thessaloniki
Istanbul
Ankara
Moscow|Muscovite|Muscovites
St. Petersburg|St Petersburg|Saint Petersburg
Kyiv|Kiev
Kharkiv|Kharkov
Odesa|Odessa
Minsk
Bucharest
Sofia
Belgrade
Zagreb
Sarajevo
Tirana
Riga
Vilnius
Tallinn
Tbilisi
Yerevan
Baku
Jerusalem
Tel Aviv
Beirut
Damascus
Aleppo
Baghdad
Mosul
Tehran
Riyadh
Jeddah
Mecca
Dubai
Abu Dhabi
Doha
Kuwait City
Muscat
Sanaa
Amman
Cairo
Alexandria
Tripoli
Benghazi
Tunis
Algiers
Casablanca
Rabat
Khartoum
Addis Ababa
Nairobi
Mogadishu
Kampala
Kigali
Dar es Salaam
Kinshasa
Lagos
Abuja
Accra
Dakar
Johannesburg
Cape Town
Durban
Pretoria
Harare
Luanda
Kabul
Kandahar
Islamabad
Karachi
Lahore
Delhi|New Delhi
Mumbai|Bombay
Kolkata|Calcutta
Chennai|Madras
Bangalore|Bengaluru
Hyderabad
Dhaka
Kathmandu
Colombo
Beijing|Peking
Shanghai
Guangzhou
Shenzhen
Wuhan
Chengdu
Chongqing
Tianjin
Taipei
Tokyo
Osaka
Kyoto
Hiroshima
Fukushima
Seoul
Pyongyang
Bangkok
Hanoi
Ho Chi Minh City|Saigon
Phnom Penh
Manila
Jakarta
Bali
Kuala Lumpur
Yangon|Rangoon
Sydney
Melbourne
Brisbane
Perth
Adelaide
Canberra
Auckland
Wellington
Christchurch
"""


def fold(text: str) -> str:
    """Lower case without accents, so "Zürich", "Zurich" and "ZURICH" find the same place."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _lookup_key(name: str) -> str:
    return " ".join(fold(name).replace(".", "").replace("’", "'").split())


def _parse(*blocks: str) -> Mapping[str, str]:
    places: dict[str, str] = {}
    for block in blocks:
        for line in block.strip().splitlines():
            names, _, demonyms = line.partition(":")
            aliases = [alias.strip() for alias in names.split("|")]
            canonical = aliases[0]
            for alias in aliases + [d.strip() for d in demonyms.split("|") if d.strip()]:
                places.setdefault(_lookup_key(alias), canonical)
    return MappingProxyType(places)


PLACES: Mapping[str, str] = _parse(_COUNTRIES, _REGIONS, _US_STATES, _CITIES)


def place_name(words: str) -> str | None:
    """The canonical place a name or demonym refers to, or None when it is no place we know."""
    return PLACES.get(_lookup_key(words))
